import Clocks
import Foundation
import Privacy
import Synchronization
import Testing
import Wire
import WorldModel

@testable import Realtime

/// A space moving to another node on purpose takes its memory along (`SpaceParcel`): the evidence
/// window, the hour's visits, tours and crowds — each person's part theirs again on arrival.
@Suite struct SpaceParcelTests {
    static let hour = Date(timeIntervalSince1970: 1_790_064_000)

    /// The same space on two nodes: each its own directory and instance, one clock.
    func twoNodes(clock: ServiceClock, visits: VisitOutbox? = nil) -> (old: SpaceInstance, new: SpaceInstance) {
        (node(clock: clock, visits: visits), node(clock: clock, visits: visits))
    }

    /// The space on one node of a cluster.
    func node(clock: ServiceClock, visits: VisitOutbox? = nil) -> SpaceInstance {
        let directory = SpaceDirectory(spaces: [SafetyTests.space])
        return SpaceInstance(
            handle: directory.ordered[0], directory: directory, config: RealtimeConfig(), visits: visits,
            clock: clock, expectsParcels: true)
    }

    func link(_ name: String, persona: Int64) -> ClientLink {
        ClientLink(
            walker: Walker(accountId: persona, personaId: persona, name: name, appearance: .standard), sink: .count)
    }

    /// The parcel as the other node reads it (JSON, as `ParcelCourier` sends it).
    func travelled(_ parcel: SpaceParcel) throws -> SpaceParcel {
        try JSONDecoder().decode(SpaceParcel.self, from: try JSONEncoder().encode(parcel))
    }

    func ticks(_ space: SpaceInstance, seconds: Double) {
        for _ in 0..<Int(seconds * Double(space.config.tickHz)) { space.tick() }
    }

    @Test func aReportAfterTheMoveReadsWhatWasSaidBefore() throws {
        let manual = ManualClock(at: Self.hour)
        let (old, new) = twoNodes(clock: manual.clock)
        old.insert(link("Reporter", persona: 1), at: Point(100, 100))
        let reported = link("Reported", persona: 2)
        old.insert(reported, at: Point(104, 100))
        old.insert(link("Bystander", persona: 3), at: Point(100, 108))
        ticks(old, seconds: 2)
        reported.post(command: .chat(scope: .proximity, text: "said on the old node"))
        ticks(old, seconds: 3)
        let parcel = try travelled(old.parcel())
        manual.advance(by: 2)

        _ = new.handle.deliver(ArrivingParcel(parcel: parcel, guides: [], crowds: []))
        new.tick()
        // The two come back (their clients reconnect); the bystander does not.
        new.insert(link("Reporter", persona: 1), at: Point(50, 50))
        let reportedAgain = link("Reported", persona: 2)
        new.insert(reportedAgain, at: Point(54, 50))
        ticks(new, seconds: 2)
        reportedAgain.post(command: .chat(scope: .proximity, text: "said on the new node"))
        ticks(new, seconds: 1)

        let window = try #require(new.evidenceWindow(for: 0, target: new.members[1].id))
        let evidence = window.reporterView()
        #expect(evidence.chat.map(\.text) == ["said on the old node", "said on the new node"])
        #expect(evidence.chat.allSatisfy { $0.who == "reported" && $0.name == "Reported" })
        let before = evidence.positions.filter { $0.agoS > 4 }
        #expect(
            Set(before.map(\.who)) == ["reporter", "reported", "other-1"], "the old node's samples, bystander unnamed")
        #expect(evidence.positions.allSatisfy { $0.agoS <= 120 })
        let json = String(decoding: try JSONEncoder().encode(evidence), as: UTF8.self)
        #expect(!json.contains("Bystander"))
    }

    @Test func theHourCountsOnAcrossTheMoveAndIsWhole() async throws {
        let manual = ManualClock(at: Self.hour)
        let outbox = VisitOutbox()
        let (old, new) = twoNodes(clock: manual.clock, visits: outbox)
        old.insert(link("A", persona: 1), at: Point(100, 100))
        old.insert(link("B", persona: 2), at: Point(200, 200))
        ticks(old, seconds: 3)
        let parcel = try travelled(old.parcel())
        // A is back on the new node before the parcel is (counted there under another salt meanwhile).
        new.insert(link("A", persona: 1), at: Point(100, 100))
        ticks(new, seconds: 2)
        _ = new.handle.deliver(ArrivingParcel(parcel: parcel, guides: [], crowds: []))
        ticks(new, seconds: 1)
        new.insert(link("C", persona: 3), at: Point(250, 250))
        ticks(new, seconds: 2)
        outbox.closeAllNow()
        ticks(new, seconds: 1)

        var hours = outbox.hours.makeAsyncIterator()
        let closed = try #require(await hours.next()).tally
        #expect(closed.visitCount == 3, "A once, B, C")
        #expect(closed.countedFrom == Int64(Self.hour.timeIntervalSince1970), "counted from the hour's start")
        // A: 3 s on the old node and 6 on the new one, in one visitor; B 3 s and C about 3.
        #expect(closed.dwellMinutes * 60 >= 13 && closed.dwellMinutes * 60 <= 20, "\(closed.dwellMinutes * 60) s")
    }

    @Test func aTourFindsItsGuideAndFollowersAgain() throws {
        let manual = ManualClock(at: Self.hour)
        let (old, new) = twoNodes(clock: manual.clock)
        old.insert(link("Guide", persona: 10), at: Point(100, 100))
        old.insert(link("Visitor", persona: 11), at: Point(104, 100))
        old.insert(link("Other", persona: 12), at: Point(150, 150))
        old.members[0].guiding = true
        old.members[1].following = old.members[0].id
        let mind = ScriptedGuide()
        old.handle.startGuide(mind, at: Point(60, 60))
        ticks(old, seconds: 1)
        let npc = try #require(old.members.first { $0.simulated }?.id)
        old.members[2].following = npc
        let parcel = try travelled(old.parcel())
        #expect(parcel.guides.count == 1 && parcel.tours.count == 1)

        let revived = ScriptedGuide(steps: mind.steps)
        _ = new.handle.deliver(ArrivingParcel(parcel: parcel, guides: [revived], crowds: []))
        new.tick()
        // The follower is back before the guide; the NPC's follower after it.
        new.insert(link("Visitor", persona: 11), at: Point(50, 50))
        new.tick()
        #expect(new.members.last?.following == 0, "waits for its guide")
        new.insert(link("Guide", persona: 10), at: Point(52, 50))
        new.insert(link("Other", persona: 12), at: Point(150, 150))
        new.tick()
        let guide = try #require(new.members.first { $0.link.walker.personaId == 10 })
        let visitor = try #require(new.members.first { $0.link.walker.personaId == 11 })
        let other = try #require(new.members.first { $0.link.walker.personaId == 12 })
        let npcHere = try #require(new.members.first { $0.simulated })
        #expect(guide.guiding && visitor.following == guide.id)
        #expect(npcHere.guiding && other.following == npcHere.id)
        #expect(revived.steps > mind.steps, "the NPC docent walks on from where it was")
        #expect(abs(npcHere.x - 60) < 2 && abs(npcHere.y - 60) < 2)
    }

    @Test func aCrowdGoesOnRunning() throws {
        let manual = ManualClock(at: Self.hour)
        let (old, new) = twoNodes(clock: manual.clock)
        let crowd = StandingCrowd(id: "sim-1")
        old.handle.startCrowd(crowd)
        ticks(old, seconds: 1)
        #expect(old.members.filter(\.simulated).count == 3)
        let parcel = try travelled(old.parcel())
        #expect(parcel.crowds.map(\.id) == ["sim-1"] && parcel.crowds.first?.state == Data("3 standing".utf8))
        _ = new.handle.deliver(ArrivingParcel(parcel: parcel, guides: [], crowds: [StandingCrowd(id: "sim-1")]))
        ticks(new, seconds: 1)
        #expect(new.members.filter(\.simulated).count == 3)
        #expect(new.handle.runningCrowds == ["sim-1"])
    }

    @Test func aParcelOfAnotherSpaceOrTooLateIsIgnored() throws {
        let manual = ManualClock(at: Self.hour)
        let (old, new) = twoNodes(clock: manual.clock)
        old.insert(link("A", persona: 1), at: Point(100, 100))
        ticks(old, seconds: 1)
        var parcel = try travelled(old.parcel())
        parcel.space = "t/elsewhere"
        _ = new.handle.deliver(ArrivingParcel(parcel: parcel, guides: [], crowds: []))
        new.tick()
        #expect(new.pendingAliases.isEmpty && new.evidence.frames.isEmpty)
        // Three minutes on the way: everything in it is older than the window.
        parcel.space = new.handle.id
        manual.advance(by: 180)
        _ = new.handle.deliver(ArrivingParcel(parcel: parcel, guides: [], crowds: []))
        new.tick()
        new.insert(link("A", persona: 1), at: Point(100, 100))
        new.tick()
        #expect(new.evidence.window(now: new.tickNumber).frames.count <= 1, "only this node's own sample")
    }
}

extension SpaceParcelTests {
    /// A rolling restart moves a space twice within the window: people are still who they were.
    @Test func aSecondMoveKeepsWhoIsWho() throws {
        let manual = ManualClock(at: Self.hour)
        let a = node(clock: manual.clock)
        let b = node(clock: manual.clock)
        let c = node(clock: manual.clock)
        a.insert(link("Reporter", persona: 1), at: Point(100, 100))
        let reported = link("Reported", persona: 2)
        a.insert(reported, at: Point(104, 100))
        a.members[0].guiding = true
        a.members[1].following = a.members[0].id
        ticks(a, seconds: 1)
        reported.post(command: .chat(scope: .proximity, text: "said on the first node"))
        ticks(a, seconds: 2)
        _ = b.handle.deliver(ArrivingParcel(parcel: try travelled(a.parcel()), guides: [], crowds: []))
        b.tick()
        // Only the reported person is back on B before it moves on: the reporter is still away.
        b.insert(link("Reported", persona: 2), at: Point(50, 50))
        ticks(b, seconds: 2)
        let second = try travelled(b.parcel())
        #expect(second.tours.map(\.guide) == [1] && second.tours.first?.followers == [2], "a tour still waiting")
        _ = c.handle.deliver(ArrivingParcel(parcel: second, guides: [], crowds: []))
        c.tick()
        c.insert(link("Reporter", persona: 1), at: Point(10, 10))
        c.insert(link("Reported", persona: 2), at: Point(14, 10))
        ticks(c, seconds: 1)
        let evidence = try #require(c.evidenceWindow(for: 0, target: c.members[1].id)).reporterView()
        #expect(evidence.chat.map(\.text) == ["said on the first node"])
        #expect(evidence.chat.first?.who == "reported")
        #expect(c.members[0].guiding && c.members[1].following == c.members[0].id)
    }

    @Test func aParcelSentTwiceIsTakenInOnce() throws {
        let manual = ManualClock(at: Self.hour)
        let (old, new) = twoNodes(clock: manual.clock)
        old.insert(link("A", persona: 1), at: Point(100, 100))
        let mind = ScriptedGuide()
        old.handle.startGuide(mind, at: Point(60, 60))
        ticks(old, seconds: 1)
        let parcel = try travelled(old.parcel())
        for _ in 0..<2 {
            #expect(new.handle.deliver(ArrivingParcel(parcel: parcel, guides: [ScriptedGuide()], crowds: [])))
            new.tick()
        }
        #expect(new.members.filter(\.simulated).count == 1, "one NPC docent, not two")
    }

    /// Moved at 10:59:59: the new node closes hour 10 a second later, and waits for the old node's
    /// part of it before releasing the hour, whole.
    @Test func anHourEndingDuringTheMoveIsReleasedWhole() async throws {
        let manual = ManualClock(at: Self.hour.addingTimeInterval(3_600 - 30))
        let outbox = VisitOutbox()
        let old = node(clock: manual.clock, visits: VisitOutbox())
        let new = node(clock: manual.clock, visits: outbox)
        old.insert(link("A", persona: 1), at: Point(100, 100))
        ticks(old, seconds: 28)
        let parcel = try travelled(old.parcel())
        manual.advance(by: 29)
        ticks(new, seconds: 2)  // 11:00:00: hour 10 closes here, with one second counted
        manual.advance(by: 2)
        _ = new.handle.deliver(ArrivingParcel(parcel: parcel, guides: [], crowds: []))
        ticks(new, seconds: 1)
        var hours = outbox.hours.makeAsyncIterator()
        let hour = try #require(await hours.next()).tally
        #expect(hour.hourStart == Int64(Self.hour.timeIntervalSince1970))
        #expect(hour.countedFrom == Int64(Self.hour.timeIntervalSince1970) + 3_600 - 30, "from the old node's start")
        #expect(hour.visitCount == 1 && hour.countedUntil == hour.hourStart + 3_600)
    }
}

/// An NPC docent that walks east one step a tick and remembers how many steps it took.
final class ScriptedGuide: GuideMind, @unchecked Sendable {
    // Touched only by the tick thread that runs it (the test's).
    var steps: Int
    init(steps: Int = 0) { self.steps = steps }
    var name: String { "guide" }
    var finished: Bool { false }
    func step(from p: (x: Float, y: Float), seconds: Float) -> (x: Float, y: Float, heading: Float, stop: String?) {
        steps += 1
        return (p.x + 0.01, p.y, 0, nil)
    }
    func checkpoint() -> Data? { Data("\(steps)".utf8) }
}

/// Three digital humans standing still.
final class StandingCrowd: LiveCrowd, @unchecked Sendable {
    // Immutable after init.
    let id: String
    init(id: String) { self.id = id }
    func advance(by seconds: Double, avatars: [(x: Double, y: Double)]) {}
    func forEachAgent(_ body: (UInt32, Float, Float, Float) -> Void) {
        for k in 0..<3 { body(UInt32(k + 1), 20 + Float(k), 20, 0) }
    }
    func recordDensity() -> [String] { [] }
    var finished: Bool { false }
    func checkpoint() -> Data? { Data("3 standing".utf8) }
}
