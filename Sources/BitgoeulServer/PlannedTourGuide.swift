import Docent
import Foundation
import Realtime
import Simulation
import WorldModel

/// A docent NPC that walks a planned tour along the floor (following each stop's distance field,
/// so round walls, not through them), announces each work and waits there before the next.
/// After it starts, only the space's tick thread calls it.
final class PlannedTourGuide: GuideMind, @unchecked Sendable {
    let name: String
    private let stops: [TourPlanner.Stop]
    private let fields: [DistanceField]
    private let dwellS: Float
    private var index = 0
    private var dwellLeft: Float = 0
    private var heading: Float = 0
    static let speedMps: Float = 1.2
    /// How close to a work the guide stops (metres).
    static let arriveM: Float = 1.5

    convenience init(name: String, plan: TourPlanner.Plan, walkable: Walkable, dwellS: Double) {
        self.init(name: name, stops: plan.stops, walkable: walkable, dwellS: dwellS)
    }

    init(name: String, stops: [TourPlanner.Stop], walkable: Walkable, dwellS: Double) {
        self.name = name
        self.stops = stops
        self.dwellS = Float(dwellS)
        // Routes that keep off walls (the default penalty), unlike the planner's plain distances.
        fields = stops.map { DistanceField.toward(Point($0.x, $0.y), over: walkable) }
    }

    var finished: Bool { index >= stops.count }

    /// Where the guide is in its tour, to carry on from there on the next node.
    struct Checkpoint: Codable {
        var name: String
        var stops: [TourPlanner.Stop]
        var dwellS: Float
        var index: Int
        var dwellLeft: Float
        var heading: Float
    }

    func checkpoint() -> Data? {
        try? JSONEncoder().encode(
            Checkpoint(name: name, stops: stops, dwellS: dwellS, index: index, dwellLeft: dwellLeft, heading: heading))
    }

    /// The guide of `state` (a `checkpoint()` from another node) in `space`; nil when the state
    /// cannot be read or does not fit (too many stops, stops outside the space).
    static func revive(_ state: Data, in space: Space) -> PlannedTourGuide? {
        guard let c = try? JSONDecoder().decode(Checkpoint.self, from: state), c.stops.count <= stopsMax,
            (0...c.stops.count).contains(c.index), c.dwellLeft.isFinite, c.dwellS.isFinite, c.heading.isFinite,
            c.name.utf8.count <= 256, c.stops.allSatisfy({ space.bounds.contains(Point($0.x, $0.y)) })
        else { return nil }
        let walkable = Walkable(space: space)
        let guide = PlannedTourGuide(name: c.name, stops: c.stops, walkable: walkable, dwellS: Double(c.dwellS))
        guide.index = c.index
        guide.dwellLeft = c.dwellLeft
        guide.heading = c.heading
        return guide
    }

    /// Stops a revived tour may have (a planned tour has far fewer).
    static let stopsMax = 200

    func step(from p: (x: Float, y: Float), seconds: Float) -> (x: Float, y: Float, heading: Float, stop: String?) {
        guard index < stops.count else { return (p.x, p.y, heading, nil) }
        if dwellLeft > 0 {
            dwellLeft -= seconds
            if dwellLeft <= 0 { index += 1 }
            return (p.x, p.y, heading, nil)
        }
        let stop = stops[index]
        let dx = Float(stop.x) - p.x
        let dy = Float(stop.y) - p.y
        if (dx * dx + dy * dy).squareRoot() < Self.arriveM {
            dwellLeft = max(dwellS, seconds)
            heading = atan2(dy, dx)
            return (p.x, p.y, heading, stop.artwork)
        }
        var direction = fields[index].direction(at: Point(Double(p.x), Double(p.y)))
        if direction.x == 0 && direction.y == 0 {
            let length = (dx * dx + dy * dy).squareRoot()
            direction = (Double(dx / length), Double(dy / length))
        }
        heading = Float(atan2(direction.y, direction.x))
        let step = Self.speedMps * seconds
        return (p.x + Float(direction.x) * step, p.y + Float(direction.y) * step, heading, nil)
    }
}
