import Clocks
import Foundation
import Privacy
import Testing
import WorldModel

@testable import Realtime

/// Visits counted in the tick for the hourly statistics: once per persona per hour, presence
/// sampled once a second, the raw tally handed over when the hour closes and then forgotten.
@Suite struct VisitCountingTests {
    @Test func eachPersonaCountsOnceAnHourAndTheClosedHourIsHandedOver() async throws {
        let directory = SpaceDirectory(spaces: [SpaceInstanceTests.space])
        let outbox = VisitOutbox()
        var config = RealtimeConfig()
        config.tickHz = 20
        let space = SpaceInstance(handle: directory.ordered[0], directory: directory, config: config, visits: outbox)
        func link(_ persona: Int64?) -> ClientLink {
            ClientLink(
                walker: Walker(accountId: persona, personaId: persona, name: "p\(persona ?? 0)", appearance: .standard),
                sink: .count)
        }
        let mina = link(1)
        space.insert(mina, at: Point(10, 10))
        space.insert(link(2), at: Point(390, 390))
        space.insert(link(nil), at: Point(200, 200))  // a guest counts as a visitor too
        for _ in 0..<40 { space.tick() }  // two seconds
        // Mina leaves and comes back in the same hour: still one visit.
        mina.close()
        space.tick()
        space.insert(link(1), at: Point(12, 10))
        for _ in 0..<20 { space.tick() }
        outbox.closeAllNow()
        for _ in 0..<20 { space.tick() }

        var iterator = outbox.hours.makeAsyncIterator()
        let closed = try #require(await iterator.next())
        #expect(closed.space == "t/field")
        #expect(closed.tally.visitCount == 3)
        // Four seconds of ticks each (one sample a second) before the close: 12 s in all.
        #expect(
            closed.tally.dwellMinutes >= 9.0 / 60 && closed.tally.dwellMinutes <= 13.0 / 60,
            "\(closed.tally.dwellMinutes * 60) s")
        let cells = closed.tally.mainCells
        #expect(cells.values.reduce(0, +) == 3 && cells.count == 3, "three people in three corners")
        // The new hour starts with everyone present counted again, under new keys.
        #expect(space.visits.visitCount == 3)
        #expect(space.visits.hourStart == closed.tally.hourStart || space.visits.hourStart > closed.tally.hourStart)
    }

    /// A space first served at 10:20 (a restart, or another node taking it over) counted only from
    /// then: its release says so. The next hour, counted whole, says nothing.
    @Test func anHourServedFromItsMiddleIsReleasedAsPartial() async throws {
        let tenTwenty = Date(timeIntervalSince1970: 1_790_064_000 + 1_200)  // an hour's start + 20 min
        let manual = ManualClock(at: tenTwenty)
        let directory = SpaceDirectory(spaces: [SpaceInstanceTests.space])
        let outbox = VisitOutbox()
        var config = RealtimeConfig()
        config.tickHz = 20
        let space = SpaceInstance(
            handle: directory.ordered[0], directory: directory, config: config, visits: outbox, clock: manual.clock)
        space.insert(
            ClientLink(walker: Walker(accountId: 1, personaId: 1, name: "p1", appearance: .standard), sink: .count),
            at: Point(10, 10))
        for _ in 0..<20 { space.tick() }
        manual.advance(by: 2_400)  // 11:00: the hour closes at its end
        for _ in 0..<20 { space.tick() }
        manual.advance(by: 3_600)  // 12:00
        for _ in 0..<20 { space.tick() }

        var iterator = outbox.hours.makeAsyncIterator()
        let first = try #require(await iterator.next()).tally
        #expect(first.isPartial)
        #expect(first.countedFrom == 1_790_065_200 && first.countedUntil == 1_790_067_600)
        var rng = SystemRandomNumberGenerator()
        let release = HourRelease.make(space: "t/field", tally: first, policy: ReleasePolicy(), rng: &rng)
        #expect(release.counted == HourRelease.Coverage(from: 1_790_065_200, until: 1_790_067_600))
        let second = try #require(await iterator.next()).tally
        #expect(!second.isPartial, "from \(second.countedFrom) until \(second.countedUntil)")
        #expect(HourRelease.make(space: "t/field", tally: second, policy: ReleasePolicy(), rng: &rng).counted == nil)
    }
}
