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
}
