import Foundation
import WorldModel

/// The server's rule for where an avatar may go: speed limits, bounds and obstacles.
///
/// Clients send where they want to be; each tick the avatar moves towards that target by at
/// most its movement budget, in short sub-steps so it cannot tunnel through thin walls, sliding
/// along an obstacle rather than sticking to it.
public struct MovementAuthority: Sendable {
    public let obstacles: ObstacleIndex
    public let config: RealtimeConfig
    /// Longest sub-step (metres): shorter than any wall we expect.
    public static let subStepM: Double = 0.2

    public init(space: Space, config: RealtimeConfig) {
        self.obstacles = ObstacleIndex(space: space, radiusM: Double(config.avatarRadiusM))
        self.config = config
    }

    /// Speed limit for an animation state, with tolerance, in m/s.
    public func speedLimit(_ animation: UInt8) -> Float {
        let base = animation == 2 ? config.runSpeedMps : config.walkSpeedMps
        return base * config.speedTolerance
    }

    /// The budget (metres) after one tick: refilled at the speed limit, capped at the burst.
    public func refill(budget: Float, animation: UInt8) -> Float {
        let limit = speedLimit(animation)
        return min(budget + limit * config.tickDurationS, limit * max(config.moveBurstS, config.tickDurationS))
    }

    /// Moves from `from` towards `to` spending at most `budget` metres.
    /// Returns where the avatar ends, what it spent, and whether a wall or the budget stopped it short.
    public func step(from: Point, to target: Point, budget: Float) -> (position: Point, spent: Float, clamped: Bool) {
        let wanted = target - from
        let distance = wanted.length
        if distance < 1e-6 { return (from, 0, false) }
        let allowed = min(distance, Double(budget))
        let direction = wanted * (1 / distance)
        var position = from
        var travelled = 0.0
        var blocked = false
        while travelled < allowed - 1e-9 {
            let length = min(Self.subStepM, allowed - travelled)
            let next = position + direction * length
            if !obstacles.isBlocked(next) {
                position = next
            } else {
                // Slide along whichever axis is free.
                let slideX = Point(next.x, position.y)
                let slideY = Point(position.x, next.y)
                if abs(next.x - position.x) > 1e-9, !obstacles.isBlocked(slideX) {
                    position = slideX
                } else if abs(next.y - position.y) > 1e-9, !obstacles.isBlocked(slideY) {
                    position = slideY
                } else {
                    blocked = true
                    break
                }
            }
            travelled += length
        }
        let spent = Float(min(travelled, allowed))
        let short = blocked || allowed < distance - 0.25
        return (position, spent, short)
    }

    /// A free place near `spawn`: uniform over a disc of `radiusM`, tried with jitter from `rng`.
    /// `isFree` adds a rule (nobody's personal boundary); when the disc has no room it grows,
    /// up to six times. The spawn itself if no place is found.
    public func spawnPosition(
        near spawn: Point, radiusM: Double = 1.5, rng: inout SplitMix64, isFree: (Point) -> Bool = { _ in true }
    ) -> Point {
        var radius = radiusM
        for _ in 0..<6 {
            for _ in 0..<8 {
                let angle = Double.random(in: 0..<(2 * .pi), using: &rng)
                let r = radius * Double.random(in: 0..<1, using: &rng).squareRoot()
                let p = obstacles.clampToBounds(Point(spawn.x + r * cos(angle), spawn.y + r * sin(angle)))
                if !obstacles.isBlocked(p) && isFree(p) { return p }
            }
            radius *= 1.5
        }
        return obstacles.clampToBounds(spawn)
    }
}
