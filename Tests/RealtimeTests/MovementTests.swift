import Testing
import Wire
import WorldModel

@testable import Realtime

/// The movement authority: speed limits, bounds, walls and sliding.
@Suite struct MovementTests {
    let space = Space(
        id: "t/box", name: LocalizedText(ko: "상자", en: "Box"), kind: .outdoor,
        anchor: GeoAnchor(latitude: 35, longitude: 126), bounds: Bounds(minX: 0, minY: 0, maxX: 50, maxY: 50),
        spawns: [SpawnPoint(position: Point(5, 5))],
        obstacles: [Polygon([Point(20, 0), Point(21, 0), Point(21, 30), Point(20, 30)])], capacity: 10)

    @Test func walkingIsLimitedToTheBudget() {
        let authority = MovementAuthority(space: space, config: RealtimeConfig())
        let budget = authority.refill(budget: 0, animation: AnimationState.walk.rawValue)
        #expect(abs(budget - 1.4 * 1.1 / 20) < 1e-5)
        let r = authority.step(from: Point(5, 5), to: Point(5, 45), budget: budget)
        #expect(abs(r.position.y - 5 - Double(budget)) < 1e-4)
        #expect(r.clamped, "a target beyond the budget is a correction")
    }

    @Test func theBudgetSavesUpOnlyAQuarterSecond() {
        let authority = MovementAuthority(space: space, config: RealtimeConfig())
        var budget: Float = 0
        for _ in 0..<100 { budget = authority.refill(budget: budget, animation: AnimationState.run.rawValue) }
        #expect(abs(budget - 4.0 * 1.1 * 0.25) < 1e-4)
    }

    @Test func aWallStopsAndNeverLetsThrough() {
        let authority = MovementAuthority(space: space, config: RealtimeConfig())
        var p = Point(10, 10)
        for _ in 0..<200 { p = authority.step(from: p, to: Point(40, 10), budget: 0.22).position }
        #expect(p.x <= 20 - 0.25 + 1e-9 && p.x > 19.5, "stopped at the wall: \(p)")
    }

    @Test func aDiagonalIntoAWallSlidesAlongIt() {
        let authority = MovementAuthority(space: space, config: RealtimeConfig())
        var p = Point(19, 10)
        for _ in 0..<30 { p = authority.step(from: p, to: Point(40, 40), budget: 0.2).position }
        #expect(p.x < 20, "still west of the wall")
        #expect(p.y > 14, "slid north along it: \(p)")
    }

    @Test func boundsHold() {
        let authority = MovementAuthority(space: space, config: RealtimeConfig())
        var p = Point(2, 2)
        for _ in 0..<50 { p = authority.step(from: p, to: Point(-10, -10), budget: 0.5).position }
        #expect(p.x >= 0.25 - 1e-9 && p.y >= 0.25 - 1e-9)
    }

    @Test func spawnsAvoidObstacles() {
        let authority = MovementAuthority(space: space, config: RealtimeConfig())
        var rng = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let p = authority.spawnPosition(near: Point(19.5, 10), rng: &rng)
            #expect(!authority.obstacles.isBlocked(p) || p == Point(19.5, 10))
        }
    }
}
