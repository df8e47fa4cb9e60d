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

    init(name: String, plan: TourPlanner.Plan, walkable: Walkable, dwellS: Double) {
        self.name = name
        stops = plan.stops
        self.dwellS = Float(dwellS)
        // Routes that keep off walls (the default penalty), unlike the planner's plain distances.
        fields = plan.stops.map { DistanceField.toward(Point($0.x, $0.y), over: walkable) }
    }

    var finished: Bool { index >= stops.count }

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
