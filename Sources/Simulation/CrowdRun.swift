import Foundation
import WorldModel

/// What a run measured: the fields `summary.json` holds.
public struct RunSummary: Codable, Sendable {
    public var model: String
    public var dt: Double
    public var seed: UInt64
    public var agents: Int
    public var exited: Int
    /// Agents out through each exit, by exit id.
    public var exited_by_exit: [String: Int]
    /// When the last agent left; nil if some were still inside at `max_time`.
    public var evacuation_time_s: Double?
    /// Mean time at which agents left.
    public var mean_exit_time_s: Double?
    public var simulated_time_s: Double
    public var iterations: Int
    public var agent_steps: Int
    public var wall_s: Double
    public var agent_steps_per_s: Double
    /// Highest density over any 2 m × 2 m window at any frame.
    public var max_density_ppm2: Double
    public var alerts: [CrowdAlert]
    /// Where the agents still inside at the end are (at most 100), to see who did not get out.
    public var still_inside: [[Double]]
    /// Each group's speeds and travel times, by its order in the scenario.
    public var groups: [GroupSummary]
}

/// One group's figures: desired speeds drawn, and for those who left, route speed (route length at
/// the start over travel time, m/s) and travel time (s).
public struct GroupSummary: Codable, Sendable {
    public var name: String
    public var agents: Int
    public var exited: Int
    public var desired_speed: Range?
    public var route_speed: Range?
    public var travel_time_s: Range?

    /// Mean, minimum and maximum, rounded to the millimetre or millisecond.
    public struct Range: Codable, Sendable {
        public var mean: Double
        public var min: Double
        public var max: Double

        init?(_ e: GroupTally.Extent) {
            guard let mean = e.mean else { return nil }
            func r(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
            (self.mean, self.min, self.max) = (r(mean), r(e.min), r(e.max))
        }
    }

    init(name: String, tally t: GroupTally) {
        (self.name, agents, exited) = (name, t.agents, t.exited)
        (desired_speed, route_speed, travel_time_s) = (Range(t.desired), Range(t.routeSpeed), Range(t.travelTimeS))
    }
}

/// Density stayed above the alert level for the alert duration at a place.
public struct CrowdAlert: Codable, Sendable, Hashable {
    public var t_s: Double
    public var x: Double
    public var y: Double
    public var density_ppm2: Double
}

/// Fruin's levels of service for walkways (persons per m², upper bounds of A…E; F beyond).
public enum FruinLevel {
    public static let bounds: [(level: String, upTo: Double)] = [
        ("A", 0.31), ("B", 0.43), ("C", 0.72), ("D", 1.08), ("E", 2.17), ("F", .infinity),
    ]
    public static func level(_ density: Double) -> String { bounds.first { density < $0.upTo }!.level }
}

/// Counts people on a grid at every frame, keeps each cell's peak and raises crowd alerts.
public struct DensityRecorder {
    public let minX: Double
    public let minY: Double
    public let cellM: Double
    public let cols: Int
    public let rows: Int
    /// Peak 2 × 2-window density per cell over the run.
    public internal(set) var peak: [Double]
    /// Frames as CSV lines (`t_s,x_m,y_m,persons_per_m2`, non-empty cells only), bounded.
    public private(set) var csv: [String] = ["t_s,x_m,y_m,persons_per_m2"]
    public internal(set) var alerts: [CrowdAlert] = []
    public static let csvLinesMax = 2_000_000
    var aboveSince: [Double]
    var alerted: [Bool]
    var counts: [Int32]
    /// Whether frames are kept as CSV lines (a file run) or only the last one (a live run).
    let keepsCSV: Bool
    /// The last frame's density per cell (persons/m²).
    public private(set) var lastFrame: [Float] = []

    public init(bounds: (min: Point, max: Point), cellM: Double, keepsCSV: Bool = true) {
        self.keepsCSV = keepsCSV
        var cell = cellM
        while (bounds.max.x - bounds.min.x) / cell * (bounds.max.y - bounds.min.y) / cell > 1_000_000 { cell *= 2 }
        minX = bounds.min.x
        minY = bounds.min.y
        self.cellM = cell
        cols = max(2, Int(((bounds.max.x - bounds.min.x) / cell).rounded(.up)))
        rows = max(2, Int(((bounds.max.y - bounds.min.y) / cell).rounded(.up)))
        peak = [Double](repeating: 0, count: cols * rows)
        aboveSince = [Double](repeating: .infinity, count: cols * rows)
        alerted = [Bool](repeating: false, count: cols * rows)
        counts = [Int32](repeating: 0, count: cols * rows)
    }

    /// Records one frame of positions at time `t`.
    public mutating func record(t: Double, x: [Double], y: [Double], alertDensity: Double, alertDurationS: Double) {
        for i in counts.indices { counts[i] = 0 }
        for i in x.indices {
            let c = min(cols - 1, max(0, Int((x[i] - minX) / cellM)))
            let r = min(rows - 1, max(0, Int((y[i] - minY) / cellM)))
            counts[r * cols + c] += 1
        }
        let windowArea = 4 * cellM * cellM
        lastFrame = counts.map { Float($0) / Float(cellM * cellM) }
        for r in 0..<(rows - 1) {
            for c in 0..<(cols - 1) {
                let i = r * cols + c
                let n = counts[i] + counts[i + 1] + counts[i + cols] + counts[i + cols + 1]
                let density = Double(n) / windowArea
                peak[i] = max(peak[i], density)
                if keepsCSV && counts[i] > 0 && csv.count < Self.csvLinesMax {
                    csv.append(
                        String(
                            format: "%.2f,%.2f,%.2f,%.3f", t, minX + (Double(c) + 0.5) * cellM,
                            minY + (Double(r) + 0.5) * cellM,
                            Double(counts[i]) / (cellM * cellM)))
                }
                if density > alertDensity {
                    aboveSince[i] = min(aboveSince[i], t)
                    if !alerted[i] && t - aboveSince[i] >= alertDurationS {
                        alerted[i] = true
                        alerts.append(
                            CrowdAlert(
                                t_s: t, x: minX + Double(c + 1) * cellM, y: minY + Double(r + 1) * cellM,
                                density_ppm2: density))
                    }
                } else {
                    aboveSince[i] = .infinity
                    alerted[i] = false
                }
            }
        }
    }

    public var maxDensity: Double { peak.max() ?? 0 }
}

extension CrowdSimulation {
    /// Runs until everyone has left (and no inflow is pending) or `max_time`; `progress` gets the
    /// fraction of `max_time` done about once a simulated second.
    public func run(progress: (Double, Int) -> Void = { _, _ in }) -> (RunSummary, DensityRecorder) {
        var density = DensityRecorder(bounds: scenario.walkable.outer.boundingBox, cellM: scenario.densityCellM)
        let start = DispatchTime.now().uptimeNanoseconds
        let frameSteps = max(1, Int((scenario.frameIntervalS / scenario.dt).rounded()))
        while time < scenario.maxTimeS - 1e-9 && (!agents.isEmpty || hasPendingInflow) {
            if iterations % frameSteps == 0 {
                density.record(
                    t: time, x: agents.x, y: agents.y, alertDensity: scenario.alertDensity,
                    alertDurationS: scenario.alertDurationS)
                progress(time / scenario.maxTimeS, agents.count)
            }
            step()
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let summary = RunSummary(
            model: scenario.model.rawValue, dt: scenario.dt, seed: scenario.seed, agents: placed, exited: exited,
            exited_by_exit: Dictionary(uniqueKeysWithValues: zip(scenario.exits.map(\.id), exitedBy)),
            evacuation_time_s: agents.isEmpty ? lastExitS ?? time : nil,
            mean_exit_time_s: exited > 0 ? exitTimeSumS / Double(exited) : nil, simulated_time_s: time,
            iterations: iterations,
            agent_steps: agentSteps, wall_s: wall, agent_steps_per_s: wall > 0 ? Double(agentSteps) / wall : 0,
            max_density_ppm2: density.maxDensity, alerts: density.alerts,
            still_inside: (0..<agents.count).prefix(100).map { [agents.x[$0], agents.y[$0]] },
            groups: zip(scenario.groups, groupTallies).map { GroupSummary(name: $0.name, tally: $1) })
        return (summary, density)
    }
}
