import Dispatch
import Foundation
import WorldModel

/// Pedestrians moved by the collision-free speed model (Tordeux, Chraibi & Seyfried 2016) as
/// JuPedSim implements it: each agent turns from its route direction by exponential repulsion from
/// neighbours and walls, then walks at the speed its free spacing ahead allows, `min(v0, s / T)`.
///
/// State is arrays (`Agents`, one row per agent); a step reads the current arrays and writes the
/// next ones, so agents can be updated on several cores in any order and a seed gives the same run.
///
/// Not Sendable: one owner drives it. A step's worker threads get values (`CrowdStep`) and raw
/// views, never the simulation; to run it on another thread, hand it over with `sending` (region
/// isolation then proves the sender kept no reference).
public final class CrowdSimulation {
    public let scenario: Scenario
    let fields: [DistanceField]
    /// Every field's directions, one after another on the grid they share (for the step's workers).
    let routeDirX: [Float]
    let routeDirY: [Float]
    let fieldGrid: FieldGrid
    let walls: WallIndex
    /// Each exit's bounding box, so the per-step exit check rarely tests a polygon.
    let exitBoxes: [(min: Point, max: Point)]
    var grid: AgentGrid
    var rng: SplitMix64

    var agents = Agents()
    /// The step's scratch columns for the next positions and orientations.
    var nextMotion = Agents.Motion()
    /// The agents' positions, in metres.
    public var x: [Double] { agents.x }
    public var y: [Double] { agents.y }
    public internal(set) var groupTallies: [GroupTally]
    /// A stable number per agent (never reused in a run), so a live view can follow each one.
    public var agentIds: [UInt32] { agents.id }
    var nextAgentId: UInt32 = 1
    /// People who are not simulated but must be walked around (avatars in a live space): positions
    /// and radii, seen as fixed neighbours during the next steps.
    public var fixedObstacles: [(x: Double, y: Double, radius: Double)] = []

    public internal(set) var time = 0.0
    public internal(set) var iterations = 0
    public internal(set) var agentSteps = 0
    public internal(set) var placed = 0
    public internal(set) var exited = 0
    /// Seconds at which the last agent left (nil while anyone is inside).
    public internal(set) var lastExitS: Double?
    var inflowDebt: [Double]
    let workers: Int
    /// JuPedSim's neighbour cut-off (metres).
    static let cutOffM = 3.0

    public var agentCount: Int { agents.count }
    /// Agents out through each exit, in scenario order.
    public internal(set) var exitedBy: [Int] = []
    /// Sum of every exited agent's exit time, for the mean.
    public internal(set) var exitTimeSumS = 0.0

    /// Where agent `i` is and which way it walks (for a live view).
    public func agent(_ i: Int) -> (id: UInt32, x: Double, y: Double, heading: Double) {
        let a = agents[i]
        let moving = scenario.model == .socialForce ? (a.ox * a.ox + a.oy * a.oy) > 1e-6 : true
        return (a.id, a.x, a.y, moving ? atan2(a.oy, a.ox) : 0)
    }

    /// Advances by about `seconds` of simulated time (whole steps of `dt`).
    public func advance(by seconds: Double) {
        let steps = max(1, Int((seconds / scenario.dt).rounded()))
        for _ in 0..<steps { step() }
    }

    /// The agents now, as CSV (`x,y,v0,radius,time_gap,goal`): to give another simulator the same crowd.
    public func agentsCSV() -> String {
        var lines = ["x,y,v0,radius,time_gap,goal"]
        for i in 0..<agents.count {
            let a = agents[i]
            lines.append("\(a.x),\(a.y),\(a.v0),\(a.radiusM),\(a.timeGapS),\(scenario.exits[Int(a.goal)].id)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Builds the routing fields and places the starting groups; throws `ScenarioError` when agents
    /// cannot be placed or cannot reach their goal.
    public convenience init(scenario: Scenario, file: String = "scenario.toml", workers: Int = 2) throws {
        try self.init(scenario: scenario, file: file, workers: workers, placing: true)
    }

    /// The routing and indexes of `scenario`, with its starting groups placed when `placing` (a
    /// resumed crowd brings its own agents).
    init(scenario: Scenario, file: String, workers: Int, placing: Bool) throws {
        self.scenario = scenario
        self.workers = max(1, workers)
        fields = scenario.exits.map { DistanceField(walkable: scenario.walkable, goal: $0.area) }
        routeDirX = fields.flatMap(\.dirX)
        routeDirY = fields.flatMap(\.dirY)
        fieldGrid = FieldGrid(fields[0])
        walls = WallIndex(walls: scenario.walkable.walls, bounds: scenario.walkable.outer.boundingBox)
        exitBoxes = scenario.exits.map(\.area.boundingBox)
        let box = scenario.walkable.outer.boundingBox
        grid = AgentGrid(minX: box.min.x, minY: box.min.y, maxX: box.max.x, maxY: box.max.y, cellM: Self.cutOffM / 2)
        rng = SplitMix64(seed: scenario.seed)
        inflowDebt = [Double](repeating: 0, count: scenario.groups.count)
        exitedBy = [Int](repeating: 0, count: scenario.exits.count)
        groupTallies = [GroupTally](repeating: GroupTally(), count: scenario.groups.count)
        for (g, group) in scenario.groups.enumerated() where placing {
            guard let count = group.count else { continue }
            let spots = try spots(for: group, index: g, count: count, file: file)
            for p in spots { add(at: p, group: g) }
        }
    }

    func goalIndex(_ group: Scenario.Group) -> Int32 {
        Int32(scenario.exits.firstIndex { $0.id == group.goal }!)
    }

    /// Free places for `count` agents of a group: a grid or uniform random, clear of walls and of each other.
    func spots(for group: Scenario.Group, index g: Int, count: Int, file: String) throws -> [Point] {
        let key = "groups[\(g)]"
        let box = group.area.boundingBox
        let spacing = group.spacing ?? 2 * group.radius + 0.1
        let field = fields[Int(goalIndex(group))]
        func usable(_ p: Point) -> Bool {
            guard group.area.contains(p), scenario.walkable.contains(p) else { return false }
            for i in walls.near(p) where (p - walls.walls[Int(i)].closest(to: p)).length <= group.radius + 0.05 {
                return false
            }
            return field.distance(at: p).isFinite
        }
        var candidates: [Point] = []
        var yy = box.min.y + spacing / 2
        while yy < box.max.y {
            var xx = box.min.x + spacing / 2
            while xx < box.max.x {
                let p = Point(xx, yy)
                if usable(p) { candidates.append(p) }
                xx += spacing
            }
            yy += spacing
        }
        // An area smaller than the spacing still holds one agent at its centre.
        if candidates.isEmpty && usable(group.area.centroid) { candidates.append(group.area.centroid) }
        if candidates.isEmpty {
            let inside = ([group.area.centroid] + group.area.points).filter(scenario.walkable.contains)
            let reason: String
            if inside.isEmpty {
                reason = "the area lies inside walls or outside the walkable area"
            } else if !inside.contains(where: { field.distance(at: $0).isFinite }) {
                reason = "no agent of this group can reach exit '\(group.goal)'"
            } else {
                reason = "the area has no free place \(group.radius) m from walls"
            }
            throw ScenarioError(file: file, key: "\(key).area", reason: reason)
        }
        guard candidates.count >= count else {
            throw ScenarioError(
                file: file, key: "\(key).count",
                reason: "\(count) agents do not fit: the area holds at most \(candidates.count) at \(spacing) m spacing"
            )
        }
        if group.placement == .grid { return Array(candidates.prefix(count)) }
        // Random: a seeded shuffle of the free spots, jittered within their cell.
        var spots = candidates
        for i in stride(from: spots.count - 1, to: 0, by: -1) {
            spots.swapAt(i, Int.random(in: 0...i, using: &rng))
        }
        return spots.prefix(count).map { p in
            let jitter = 0.05
            let q = Point(
                p.x + Double.random(in: -jitter...jitter, using: &rng),
                p.y + Double.random(in: -jitter...jitter, using: &rng))
            return usable(q) ? q : p
        }
    }

    func add(at p: Point, group g: Int) {
        let group = scenario.groups[g]
        let speed: Double
        switch group.speed {
        case .normal(let mean, let sd):
            // Box–Muller, kept positive.
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng)
            let u2 = Double.random(in: 0..<1, using: &rng)
            speed = max(0.1, mean + sd * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
        case .uniform(let low, let high):
            speed = Double.random(in: low...high, using: &rng)
        }
        let goal = goalIndex(group)
        let field = fields[Int(goal)]
        let direction = field.direction(at: p)
        // The speed model keeps an orientation; the social force model a velocity, from rest.
        let atRest = scenario.model == .socialForce
        agents.append(
            Agents.Row(
                x: p.x, y: p.y, ox: atRest ? 0 : direction.x, oy: atRest ? 0 : direction.y, v0: speed,
                radiusM: group.radius, timeGapS: group.timeGap, goal: goal, group: Int32(g), startS: time,
                routeM: Double(field.distance(at: p)), id: nextAgentId))
        groupTallies[g].placed(speed: speed)
        nextAgentId &+= 1
        placed += 1
    }
}

/// One group's figures over a run: desired speeds drawn, and for those who left, the route speed
/// (route length at the start over travel time) and the travel time.
public struct GroupTally: Codable, Sendable {
    public private(set) var agents = 0
    public private(set) var exited = 0
    public private(set) var desired = Extent()
    public private(set) var routeSpeed = Extent()
    public private(set) var travelTimeS = Extent()

    /// Count, sum, minimum and maximum of a quantity.
    public struct Extent: Codable, Sendable {
        public private(set) var count = 0
        public private(set) var sum = 0.0
        public private(set) var min = Double.infinity
        public private(set) var max = -Double.infinity
        public var mean: Double? { count > 0 ? sum / Double(count) : nil }

        mutating func add(_ v: Double) {
            count += 1
            sum += v
            min = Swift.min(min, v)
            max = Swift.max(max, v)
        }
    }

    mutating func placed(speed: Double) {
        agents += 1
        desired.add(speed)
    }

    mutating func left(routeM: Double, travelS: Double) {
        exited += 1
        travelTimeS.add(travelS)
        if routeM.isFinite && travelS > 0 { routeSpeed.add(routeM / travelS) }
    }
}
