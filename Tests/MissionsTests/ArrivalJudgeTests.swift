import Foundation
import Missions
import Testing

/// The on-site plausibility rules on recorded-like tracks around the ACC (35 m): a walk arrives; a
/// jump, a still spoof, a 200 km/h track, a replay and bad fixes are refused with the reason the
/// player sees.
@Suite struct ArrivalJudgeTests {
    static let acc = (lat: 35.14724, lon: 126.92068694)
    static let t0 = 1_790_064_000.0

    /// The point `east` and `north` metres from the ACC (a local approximation, plenty for a test).
    static func point(east: Double, north: Double) -> (lat: Double, lon: Double) {
        (acc.lat + north / 111_320, acc.lon + east / (111_320 * cos(acc.lat * .pi / 180)))
    }

    /// A walk at `speedMps` from `fromNorthM` metres south of the ACC towards it, one fix a second,
    /// with a few metres of deterministic jitter, as a phone reports.
    static func walk(fromNorthM: Double = -200, speedMps: Double = 1.4, seconds: Int = 170, accuracyM: Double = 8)
        -> [Fix]
    {
        var seed: UInt64 = 17
        func jitter() -> Double {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(seed >> 33) / Double(1 << 31) * 4 - 2
        }
        return (0..<seconds).map { s in
            let north = min(0, fromNorthM + speedMps * Double(s))
            let p = point(east: jitter(), north: north + jitter())
            return Fix(latitude: p.lat, longitude: p.lon, accuracyM: accuracyM, timeS: t0 + Double(s))
        }
    }

    static func judge() -> ArrivalJudge { ArrivalJudge(latitude: acc.lat, longitude: acc.lon, radiusM: 35) }

    /// Every fix in, received 0.3 s after it was taken; the verdicts.
    static func play(_ fixes: [Fix], _ judge: inout ArrivalJudge) -> [ArrivalJudge.Verdict] {
        fixes.map { judge.receive($0, nowS: $0.timeS + 0.3) }
    }

    static func reasons(_ verdicts: [ArrivalJudge.Verdict]) -> [String] {
        verdicts.compactMap { if case .refused(let reason) = $0 { reason.message } else { nil } }
    }

    @Test func aWalkArrivesAfterItsDwellAndShowsTheWayBefore() throws {
        var judge = Self.judge()
        let verdicts = Self.play(Self.walk(), &judge)
        #expect(Self.reasons(verdicts).isEmpty)
        guard case .onTheWay(let distance, let bearing) = verdicts[0] else {
            Issue.record("\(verdicts[0])")
            return
        }
        #expect(abs(distance - 200) < 5 && (bearing < 5 || bearing > 355), "north, 200 m")
        let arrived = try #require(verdicts.firstIndex(of: .arrived))
        let entered = try #require(verdicts.firstIndex { if case .inside = $0 { true } else { false } })
        #expect(arrived - entered >= 10, "ten seconds inside first")
        #expect(judge.hasArrived)
    }

    @Test func aJumpIsRefusedAndTheTrackStartsAgain() {
        var judge = Self.judge()
        var fixes = Self.walk(fromNorthM: -5000, seconds: 10)
        // Then straight to the ACC, a second later.
        let there = Self.point(east: 0, north: 0)
        fixes.append(Fix(latitude: there.lat, longitude: there.lon, accuracyM: 8, timeS: Self.t0 + 10))
        let verdicts = Self.play(fixes, &judge)
        #expect(Self.reasons(verdicts) == ["moved too fast"])
        #expect(!judge.hasArrived)
        // Staying at the ACC after the jump does not help: 5 km from the last plausible fix needs
        // minutes, so the next fixes there are refused too.
        let stay = (11..<30).map { s in
            let p = Self.point(east: Double(s % 3), north: Double(s % 2))
            return Fix(latitude: p.lat, longitude: p.lon, accuracyM: 8, timeS: Self.t0 + Double(s))
        }
        #expect(Set(Self.reasons(Self.play(stay, &judge))) == ["moved too fast"])
        #expect(!judge.hasArrived)
    }

    @Test func theNextCheckpointsJudgeStartsFromTheLastFix() {
        var first = Self.judge()
        let walk = Self.walk()
        _ = Self.play(walk, &first)
        #expect(first.hasArrived)
        // The next checkpoint 500 m west: jumping there a second later is a jump.
        let next = Self.point(east: -500, north: 0)
        var second = ArrivalJudge(latitude: next.lat, longitude: next.lon, radiusM: 35, after: first.lastFix)
        let t = walk.last!.timeS + 1
        let verdict = second.receive(Fix(latitude: next.lat, longitude: next.lon, accuracyM: 8, timeS: t), nowS: t)
        #expect(verdict == .refused(reason: .tooFast))
    }

    @Test func aStillSpoofAndA200KmPerHourTrackAreRefused() {
        var still = Self.judge()
        let here = Self.point(east: 0, north: 0)
        let frozen = (0..<20).map {
            Fix(latitude: here.lat, longitude: here.lon, accuracyM: 5, timeS: Self.t0 + Double($0))
        }
        #expect(Self.reasons(Self.play(frozen, &still)).contains("the location does not move like a real one"))
        #expect(!still.hasArrived)
        var fast = Self.judge()
        let car = Self.walk(fromNorthM: -20_000, speedMps: 200 / 3.6, seconds: 60)
        #expect(Self.reasons(Self.play(car, &fast)).contains("moved too fast"))
    }

    @Test func aReplayedTrackAndBadFixesAreRefused() {
        var judge = Self.judge()
        let walk = Self.walk()
        // The same track an hour later: every fix is too old for the server's clock.
        let replayed = walk.map { judge.receive($0, nowS: $0.timeS + 3600) }
        #expect(Set(Self.reasons(replayed)) == ["the location's time is far from now; check the phone's clock"])
        var bad = Self.judge()
        let p = Self.point(east: 0, north: -100)
        let cases: [(Fix, String)] = [
            (Fix(latitude: .nan, longitude: p.lon, accuracyM: 8, timeS: Self.t0), "that is not a location on Earth"),
            (Fix(latitude: 95, longitude: p.lon, accuracyM: 8, timeS: Self.t0), "that is not a location on Earth"),
            (Fix(latitude: p.lat, longitude: p.lon, accuracyM: 500, timeS: Self.t0), "location too inaccurate"),
            (Fix(latitude: p.lat, longitude: p.lon, accuracyM: -1, timeS: Self.t0), "location too inaccurate"),
            (Fix(latitude: p.lat, longitude: p.lon, accuracyM: 8, timeS: Self.t0 + 60), "far from now"),
        ]
        for (n, (fix, reason)) in cases.enumerated() {
            let verdict = bad.receive(fix, nowS: Self.t0 + Double(n) * 2)
            guard case .refused(let said) = verdict else {
                Issue.record("\(fix) was taken: \(verdict)")
                continue
            }
            #expect(said.message.contains(reason))
        }
        // Out of order, and a flood.
        var order = Self.judge()
        _ = order.receive(walk[5], nowS: walk[5].timeS)
        #expect(order.receive(walk[4], nowS: walk[5].timeS + 1) == .refused(reason: .outOfOrder))
        var flood = Self.judge()
        let burst = (0..<10).map { flood.receive(walk[$0], nowS: Self.t0 + 9.5) }
        #expect(Self.reasons(burst).contains("too many location updates; slow down"))
    }
}
