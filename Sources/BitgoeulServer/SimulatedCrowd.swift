import Foundation
import Realtime
import Simulation
import Synchronization
import WorldModel

/// A crowd scenario running inside a live space: the Simulation module's crowd seen through the
/// Realtime module's `LiveCrowd`. After `start` only the space's tick thread touches the simulation;
/// what HTTP may read (counts, density, alerts) is published under a lock once a second.
final class SimulatedCrowd: LiveCrowd, @unchecked Sendable {
    /// What `GET …/simulations` and the density overlay show.
    struct Published: Encodable, Sendable {
        var id: String
        var space: String
        var agents: Int
        var exited: Int
        var simulatedTimeS: Double
        var alerts: [CrowdAlert]
        var density: DensityGrid?
    }

    /// The latest density frame: persons per m² per cell, row by row from the south-west corner.
    struct DensityGrid: Encodable, Sendable {
        var minX: Double
        var minY: Double
        var cellM: Double
        var cols: Int
        var rows: Int
        var personsPerM2: [Float]
    }

    let id: String
    let space: String
    private let simulation: CrowdSimulation
    private var density: DensityRecorder
    private let published: Mutex<Published>
    /// Avatars are this wide to the digital humans (metres).
    static let avatarRadiusM = 0.25

    init(id: String, space: String, simulation: CrowdSimulation) {
        self.id = id
        self.space = space
        self.simulation = simulation
        density = DensityRecorder(
            bounds: simulation.scenario.walkable.outer.boundingBox, cellM: simulation.scenario.densityCellM,
            keepsCSV: false)
        published = Mutex(
            Published(
                id: id, space: space, agents: simulation.agentCount, exited: 0, simulatedTimeS: 0, alerts: [],
                density: nil))
    }

    func advance(by seconds: Double, avatars: [(x: Double, y: Double)]) {
        simulation.fixedObstacles = avatars.map { ($0.x, $0.y, Self.avatarRadiusM) }
        simulation.advance(by: seconds)
    }

    func forEachAgent(_ body: (UInt32, Float, Float, Float) -> Void) {
        for i in 0..<simulation.agentCount {
            let a = simulation.agent(i)
            body(a.id, Float(a.x), Float(a.y), Float(a.heading))
        }
    }

    func recordDensity() -> [String] {
        let before = density.alerts.count
        let s = simulation.scenario
        density.record(
            t: simulation.time, x: simulation.x, y: simulation.y, alertDensity: s.alertDensity,
            alertDurationS: s.alertDurationS)
        let grid = DensityGrid(
            minX: density.minX, minY: density.minY, cellM: density.cellM, cols: density.cols, rows: density.rows,
            personsPerM2: density.lastFrame)
        let snapshot = Published(
            id: id, space: space, agents: simulation.agentCount, exited: simulation.exited,
            simulatedTimeS: simulation.time, alerts: density.alerts, density: grid)
        published.withLock { $0 = snapshot }
        return density.alerts[before...].map {
            String(
                format: "Crowd alert (%@): %.1f persons/m² for %.0f s near (%.0f, %.0f) m", id, $0.density_ppm2,
                s.alertDurationS, $0.x, $0.y)
        }
    }

    var finished: Bool {
        (simulation.agentCount == 0 && !simulation.hasPendingInflow) || simulation.time >= simulation.scenario.maxTimeS
    }

    var snapshot: Published { published.withLock { $0 } }
}
