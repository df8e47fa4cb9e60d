import Foundation
import TOML
import WorldModel

/// A crowd scenario: the model, where people may walk, the exits and who comes, read from TOML.
public struct Scenario: Sendable {
    public enum Model: String, Sendable {
        case collisionFreeSpeed = "collision-free-speed", socialForce = "social-force"
    }

    /// Parameters of the collision-free speed model, JuPedSim's defaults.
    public struct SpeedModelParameters: Sendable, Hashable {
        public var strengthNeighborRepulsion = 8.0
        public var rangeNeighborRepulsion = 0.1
        public var strengthGeometryRepulsion = 5.0
        public var rangeGeometryRepulsion = 0.02
        /// Degrees the neighbour repulsion is turned counter-clockwise: 0 is JuPedSim's model; a few
        /// degrees make people meeting head-on pass on the right instead of locking (counterflow).
        public var keepRightDeg = 0.0
        public init() {}
    }

    public struct Exit: Sendable {
        public var id: String
        public var area: Polygon
    }

    public struct Group: Sendable {
        public enum Placement: String, Sendable { case grid, random }
        /// How desired walking speeds are drawn: normal (kept above 0.1 m/s) or uniform in a range
        /// (a demographic table such as RiMEA test 7's speeds by age).
        public enum Speed: Sendable, Hashable {
            case normal(mean: Double, sd: Double)
            case uniform(min: Double, max: Double)
        }
        /// A label for the group's figures in the summary (`groups[i]` when not given).
        public var name: String
        /// Agents placed at the start (nil with `inflow`).
        public var count: Int?
        /// Agents per second arriving in `area` for `inflowUntilS` seconds (festivals).
        public var inflow: Double?
        public var inflowUntilS: Double
        public var area: Polygon
        public var placement: Placement
        public var speed: Speed
        public var goal: String
        public var radius: Double
        public var timeGap: Double
        /// Metres between placed agents (default 2r + 0.1, as close as people stand in a queue).
        public var spacing: Double?
    }

    public var model: Model = .collisionFreeSpeed
    public var parameters = SpeedModelParameters()
    public var socialForce = SocialForceParameters()
    public var dt = 0.01
    public var walkable: Walkable
    public var exits: [Exit]
    public var groups: [Group]
    public var maxTimeS = 600.0
    public var seed: UInt64 = 1
    /// Density grid cell (metres) and how often a density frame is kept (seconds).
    public var densityCellM = 1.0
    public var frameIntervalS = 1.0
    /// Crowd alert: density above this (persons/m², Fruin level F from 4) for this long.
    public var alertDensity = 4.0
    public var alertDurationS = 10.0
    /// A periodic corridor: agents leaving this x range at one end come back at the other (for the
    /// fundamental diagram); the exit then only sets the walking direction.
    public var periodicX: ClosedRange<Double>?

    public init(walkable: Walkable, exits: [Exit], groups: [Group]) {
        self.walkable = walkable
        self.exits = exits
        self.groups = groups
    }

    public static let agentsMax = 200_000
    public static let maxTimeMaxS = 24 * 3600.0
}

/// A scenario that cannot run: the file, the key and the reason, reported before anything runs.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var key: String
    public var reason: String
    public var description: String { "\(file): \(key): \(reason)" }

    public init(file: String, key: String, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }
}

extension Scenario {
    /// Reads a scenario file; `spaces` resolves `geometry.space` (walkable = bounds minus obstacles).
    public static func load(file: URL, spaces: [String: Space] = [:]) throws -> Scenario {
        let name = file.lastPathComponent
        let text: String
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            guard (attributes[.size] as? Int ?? 0) <= 4 * 1024 * 1024 else {
                throw ScenarioError(file: name, key: "(file)", reason: "a scenario is at most 4 MiB")
            }
            text = try String(contentsOf: file, encoding: .utf8)
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw ScenarioError(file: name, key: "(file)", reason: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: name, spaces: spaces)
    }

    public static func parse(_ text: String, file: String = "scenario.toml", spaces: [String: Space] = [:]) throws
        -> Scenario
    {
        let root: TOMLTable
        do {
            root = try TOML.parse(text)
        } catch {
            throw ScenarioError(file: file, key: "(syntax)", reason: "not valid TOML: \(error)")
        }
        var reader = TableReader(table: root, path: "", file: file)
        try reader.allow(["model", "geometry", "exits", "groups", "run", "alerts"])

        var model = try reader.table("model")
        try model.allow([
            "name", "dt", "strength_neighbor_repulsion", "range_neighbor_repulsion", "strength_geometry_repulsion",
            "range_geometry_repulsion", "keep_right_deg", "mass", "reaction_time", "agent_scale", "obstacle_scale",
            "force_distance", "body_force", "friction",
        ])
        var geometry = try reader.table("geometry")
        try geometry.allow(["walkable", "space", "clip", "periodic_x"])
        let walkable: Walkable
        if let wkt = try geometry.string("walkable", required: false) {
            let (outer, holes) = try geometry.polygon("walkable", wkt)
            walkable = Walkable(outer: outer, holes: holes)
        } else if let id = try geometry.string("space", required: false) {
            guard let space = spaces[id] else { throw geometry.error("space", "no space '\(id)' in the loaded world") }
            // `clip` keeps a part of a large space (the buildings in it stay as holes).
            let clip = try geometry.string("clip", required: false).map { try geometry.polygon("clip", $0).0 }
            walkable = Walkable(space: space, clip: clip)
        } else {
            throw geometry.error("walkable", "give `walkable` (WKT) or `space` (an id)")
        }

        var periodicX: ClosedRange<Double>?
        if let value = geometry.table?["periodic_x"] {
            guard let array = value.array, array.count == 2,
                let a = array[0].double ?? array[0].int.map(Double.init),
                let b = array[1].double ?? array[1].int.map(Double.init), a < b - 2 * CrowdSimulation.cutOffM
            else { throw geometry.error("periodic_x", "[x0, x1] with x1 − x0 over twice the neighbour cut-off (6 m)") }
            periodicX = a...b
        }
        var exits: [Exit] = []
        for (i, var exit) in try reader.tables("exits").enumerated() {
            try exit.allow(["id", "area"])
            let id = try exit.string("id")!
            let (area, _) = try exit.polygon("area", try exit.string("area")!)
            guard
                area.points.contains(where: walkable.contains) || walkable.contains(area.centroid)
                    || walkable.outer.points.contains(where: area.contains)
            else { throw exit.error("area", "exit '\(id)' lies outside the walkable area") }
            guard !exits.contains(where: { $0.id == id }) else {
                throw exit.error("id", "exit '\(id)' is defined twice")
            }
            _ = i
            exits.append(Exit(id: id, area: area))
        }
        guard !exits.isEmpty else { throw reader.error("exits", "at least one [[exits]] is needed") }

        var groups: [Group] = []
        for var g in try reader.tables("groups") {
            try g.allow([
                "name", "count", "inflow", "inflow_until", "area", "placement", "speed", "goal", "radius", "time_gap",
                "spacing",
            ])
            let name = try g.string("name", required: false) ?? "groups[\(groups.count)]"
            guard (1...64).contains(name.count), !groups.contains(where: { $0.name == name }) else {
                throw g.error("name", "1–64 characters, different from every other group's")
            }
            let count = try g.int("count", in: 1...agentsMax)
            let inflow = try g.double("inflow", in: 0.001...1000)
            guard (count == nil) != (inflow == nil) else { throw g.error("count", "give either `count` or `inflow`") }
            let (area, _) = try g.polygon("area", try g.string("area")!)
            let placementText = try g.string("placement", required: false) ?? "random"
            guard let placement = Group.Placement(rawValue: placementText) else {
                throw g.error("placement", "'grid' or 'random'")
            }
            let goal = try g.string("goal")!
            guard exits.contains(where: { $0.id == goal }) else { throw g.error("goal", "no exit '\(goal)'") }
            groups.append(
                Group(
                    name: name, count: count, inflow: inflow,
                    inflowUntilS: try g.double("inflow_until", in: 0...maxTimeMaxS) ?? .infinity,
                    area: area, placement: placement, speed: try g.speed(), goal: goal,
                    radius: try g.double("radius", in: 0.1...1) ?? 0.2,
                    timeGap: try g.double("time_gap", in: 0.1...10) ?? 1,
                    spacing: try g.double("spacing", in: 0.2...50)))
            if let spacing = groups.last!.spacing, spacing < 2 * groups.last!.radius {
                throw g.error("spacing", "must be at least the agents' diameter (\(2 * groups.last!.radius) m)")
            }
        }
        guard !groups.isEmpty else { throw reader.error("groups", "at least one [[groups]] is needed") }

        var scenario = Scenario(walkable: walkable, exits: exits, groups: groups)
        scenario.periodicX = periodicX
        let modelName = try model.string("name", required: false) ?? Model.collisionFreeSpeed.rawValue
        guard let kind = Model(rawValue: modelName) else {
            throw model.error("name", "'collision-free-speed' or 'social-force'")
        }
        scenario.model = kind
        let speedKeys = [
            "strength_neighbor_repulsion", "range_neighbor_repulsion", "strength_geometry_repulsion",
            "range_geometry_repulsion", "keep_right_deg",
        ]
        let forceKeys = [
            "mass", "reaction_time", "agent_scale", "obstacle_scale", "force_distance", "body_force", "friction",
        ]
        for key in kind == .socialForce ? speedKeys : forceKeys where model.table?[key] != nil {
            throw model.error(key, "belongs to the other model, not '\(kind.rawValue)'")
        }
        if kind == .socialForce {
            // JuPedSim's social force agents are 0.3 m unless the group says otherwise.
            for (g, group) in try reader.tables("groups").enumerated() where group.table?["radius"] == nil {
                scenario.groups[g].radius = 0.3
            }
            let d = SocialForceParameters()
            scenario.socialForce.mass = try model.double("mass", in: 1...500) ?? d.mass
            scenario.socialForce.reactionTime = try model.double("reaction_time", in: 0.01...10) ?? d.reactionTime
            scenario.socialForce.agentScale = try model.double("agent_scale", in: 0...1e6) ?? d.agentScale
            scenario.socialForce.obstacleScale = try model.double("obstacle_scale", in: 0...1e6) ?? d.obstacleScale
            scenario.socialForce.forceDistance = try model.double("force_distance", in: 0.001...10) ?? d.forceDistance
            scenario.socialForce.bodyForce = try model.double("body_force", in: 0...1e7) ?? d.bodyForce
            scenario.socialForce.friction = try model.double("friction", in: 0...1e7) ?? d.friction
        }
        scenario.dt = try model.double("dt", in: 0.001...0.1) ?? 0.01
        let p = SpeedModelParameters()
        scenario.parameters.strengthNeighborRepulsion =
            try model.double("strength_neighbor_repulsion", in: 0...100) ?? p.strengthNeighborRepulsion
        scenario.parameters.rangeNeighborRepulsion =
            try model.double("range_neighbor_repulsion", in: 0.001...10) ?? p.rangeNeighborRepulsion
        scenario.parameters.strengthGeometryRepulsion =
            try model.double("strength_geometry_repulsion", in: 0...100) ?? p.strengthGeometryRepulsion
        scenario.parameters.rangeGeometryRepulsion =
            try model.double("range_geometry_repulsion", in: 0.001...10) ?? p.rangeGeometryRepulsion
        scenario.parameters.keepRightDeg = try model.double("keep_right_deg", in: 0...45) ?? 0

        var run = try reader.table("run", required: false)
        try run.allow(["max_time", "seed", "density_cell", "frame_interval"])
        scenario.maxTimeS = try run.double("max_time", in: 1...maxTimeMaxS) ?? 600
        scenario.seed = UInt64(try run.int("seed", in: 0...Int.max) ?? 1)
        scenario.densityCellM = try run.double("density_cell", in: 0.25...10) ?? 1
        scenario.frameIntervalS = try run.double("frame_interval", in: 0.1...600) ?? 1
        var alerts = try reader.table("alerts", required: false)
        try alerts.allow(["density", "duration"])
        scenario.alertDensity = try alerts.double("density", in: 0.5...10) ?? 4
        scenario.alertDurationS = try alerts.double("duration", in: 0...3600) ?? 10
        return scenario
    }
}

extension Polygon {
    /// The mean of the vertices (enough to test that a convex area lies somewhere).
    var centroid: Point { points.reduce(Point(0, 0)) { $0 + $1 } * (1 / Double(max(1, points.count))) }
}

/// Reads one TOML table with paths in errors and a check for unknown keys.
struct TableReader {
    let table: TOMLTable?
    let path: String
    let file: String

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
    func error(_ name: String, _ reason: String) -> ScenarioError {
        ScenarioError(file: file, key: key(name), reason: reason)
    }

    mutating func allow(_ keys: Set<String>) throws {
        guard let table else { return }
        if let unknown = table.keys.sorted().first(where: { !keys.contains($0) }) {
            throw error(unknown, "unknown key (known: \(keys.sorted().joined(separator: ", ")))")
        }
    }

    func table(_ name: String, required: Bool = true) throws -> TableReader {
        guard let value = table?[name] else {
            if required { throw error(name, "missing table [\(name)]") }
            return TableReader(table: nil, path: key(name), file: file)
        }
        guard let sub = value.table else { throw error(name, "must be a table") }
        return TableReader(table: sub, path: key(name), file: file)
    }

    func tables(_ name: String) throws -> [TableReader] {
        guard let value = table?[name] else { return [] }
        guard let array = value.array else { throw error(name, "must be an array of tables [[\(name)]]") }
        guard array.count <= 1000 else { throw error(name, "at most 1000 entries") }
        return try (0..<array.count).map { i in
            guard let sub = array[i].table else { throw error("\(name)[\(i)]", "must be a table") }
            return TableReader(table: sub, path: "\(key(name))[\(i)]", file: file)
        }
    }

    func string(_ name: String, required: Bool = true) throws -> String? {
        guard let value = table?[name] else {
            if required { throw error(name, "missing") }
            return nil
        }
        guard let s = value.string else { throw error(name, "must be a string") }
        return s
    }

    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let value = table?[name] else { return nil }
        guard let d = value.double ?? value.int.map(Double.init) else { throw error(name, "must be a number") }
        guard range.contains(d) else { throw error(name, "must be within \(range.lowerBound)…\(range.upperBound)") }
        return d
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = table?[name] else { return nil }
        guard let i = value.int else { throw error(name, "must be an integer") }
        guard range.contains(i) else { throw error(name, "must be within \(range.lowerBound)…\(range.upperBound)") }
        return i
    }

    func polygon(_ name: String, _ wkt: String) throws -> (Polygon, [Polygon]) {
        do {
            return try WKT.polygon(wkt)
        } catch {
            throw self.error(name, "invalid WKT: \(error.reason)")
        }
    }
}

extension TableReader {
    /// A group's `speed`: `{ mean, sd }` (normal, the default 1.34 ± 0.26 m/s after Weidmann) or
    /// `{ min, max }` (uniform in the range, for a table of speeds by age).
    func speed() throws -> Scenario.Group.Speed {
        var speed = try table("speed", required: false)
        try speed.allow(["mean", "sd", "min", "max"])
        let low = try speed.double("min", in: 0.1...5)
        let high = try speed.double("max", in: 0.1...5)
        let mean = try speed.double("mean", in: 0.1...5)
        let sd = try speed.double("sd", in: 0...2)
        switch (low, high) {
        case (nil, nil):
            return .normal(mean: mean ?? 1.34, sd: sd ?? 0.26)
        case let (low?, high?):
            guard mean == nil, sd == nil else { throw speed.error("min", "give `mean` and `sd`, or `min` and `max`") }
            guard low <= high else { throw speed.error("max", "must not be below `min` (\(low))") }
            return .uniform(min: low, max: high)
        default:
            throw speed.error(low == nil ? "min" : "max", "`min` and `max` go together")
        }
    }
}
