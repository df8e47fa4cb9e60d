import Foundation
import Missions
import Privacy
import Testing
import WorldModel

/// The play state machine: online arrivals from the server's own positions, answers, "meet here"
/// counted by account across on-site and online players, scheduled and windowed checkpoints,
/// daylight-only missions, the memory bound, and the day's private counts.
@Suite struct MissionDeskTests {
    static let seoul = TimeZone(identifier: "Asia/Seoul")!
    /// 2026-10-10 12:00 in Gwangju (a Biennale day, at noon).
    static let noon = Date(timeIntervalSince1970: 1_791_601_200)

    static func text(_ s: String) -> LocalizedText { LocalizedText(ko: s, en: s) }

    static func checkpoint(_ id: String, space: String, task: MissionTask, lat: Double = 35.14743) -> Checkpoint {
        Checkpoint(
            id: id, name: text(id), place: .init(latitude: lat, longitude: 126.919358, radiusM: 35),
            mirror: .init(space: space, x: 10, y: 0, radiusM: 5), task: task, stamp: text(id))
    }

    static let tour = Mission(
        id: "tour", title: text("t"), story: text("s"), order: .ordered, reward: .init(accessory: "medal"),
        checkpoints: [
            checkpoint("a", space: "plaza", task: .reach),
            checkpoint("b", space: "street", task: .question(prompt: text("?"), answers: ["김덕령"])),
        ])

    static let meeting = Mission(
        id: "meet", title: text("t"), story: text("s"), order: .free,
        checkpoints: [checkpoint("hall", space: "hall", task: .meet(players: 2))])

    func spot(_ space: String, _ x: Double) -> MissionDesk.MirrorSpot { .init(space: space, x: x, y: 0) }

    @Test func onlineArrivalIsJudgedFromTheServersPositionAndAQuestionWaitsForItsAnswer() throws {
        var desk = MissionDesk()
        let p = MissionDesk.Player(account: 1, persona: 10)
        let checked = try desk.check(
            spot("plaza", 100), of: p, mission: Self.tour, stamps: [], now: Self.noon, timeZone: Self.seoul)
        let far = try #require(checked)
        #expect(far.state == .onTheWay && far.checkpoint == "a")
        #expect(abs((far.distanceM ?? 0) - 90) < 1e-9 && abs((far.bearingDeg ?? 0) - 270) < 1e-9, "90 m to the west")
        let elsewhere = try desk.check(
            spot("street", 10), of: p, mission: Self.tour, stamps: [], now: Self.noon, timeZone: Self.seoul)
        #expect(elsewhere?.state == .onTheWay && elsewhere?.distanceM == nil, "in another space: no distance")
        let there = try desk.check(
            spot("plaza", 12), of: p, mission: Self.tour, stamps: [], now: Self.noon, timeZone: Self.seoul)
        #expect(there?.state == .stamped)
        // The stamp is stored by the caller; the next checkpoint is the question.
        let b = Self.tour.checkpoints[1]
        #expect(
            desk.answer("김덕령", choice: nil, from: p, mission: Self.tour, checkpoint: b, accepted: [], now: Self.noon)
                == .notThere, "answering from afar does not count")
        let arrived = try desk.check(
            spot("street", 10), of: p, mission: Self.tour, stamps: ["a"], now: Self.noon, timeZone: Self.seoul)
        #expect(arrived?.state == .arrived && arrived?.waiting == .answer)
        #expect(
            desk.answer("박", choice: nil, from: p, mission: Self.tour, checkpoint: b, accepted: [], now: Self.noon)
                == .wrong)
        #expect(
            desk.answer(" 김덕령 ", choice: nil, from: p, mission: Self.tour, checkpoint: b, accepted: [], now: Self.noon)
                == .right)
        #expect(desk.next(p, in: Self.tour, stamps: ["a", "b"]) == nil)
        // Guessing is limited: five wrong answers a minute.
        _ = try desk.check(
            spot("street", 10), of: p, mission: Self.tour, stamps: ["a"], now: Self.noon, timeZone: Self.seoul)
        let guesses = (0..<7).map { i in
            desk.answer("\(i)", choice: nil, from: p, mission: Self.tour, checkpoint: b, accepted: [], now: Self.noon)
        }
        // (The first wrong answer above was in the same minute: four more, then refused.)
        #expect(guesses.filter { $0 == .wrong }.count == 4 && guesses.last == .tooMany)
    }

    @Test func meetHereCountsAccountsNotPersonasOnSiteAndOnlineTogether() throws {
        var desk = MissionDesk()
        let hall = Self.meeting.checkpoints[0]
        // Two personas of one account, both online in the hall: one account, not a meeting.
        let a1 = MissionDesk.Player(account: 1, persona: 10)
        let a2 = MissionDesk.Player(account: 1, persona: 11)
        let first = try desk.check(
            spot("hall", 10), of: a1, mission: Self.meeting, stamps: [], now: Self.noon, timeZone: Self.seoul)
        let second = try desk.check(
            spot("hall", 11), of: a2, mission: Self.meeting, stamps: [], now: Self.noon, timeZone: Self.seoul)
        #expect(first?.waiting == .meet(here: 1, needed: 2))
        #expect(second?.waiting == .meet(here: 1, needed: 2))
        // Another account on site: a walk into the hall's real circle, one fix a second.
        let b = MissionDesk.Player(account: 2, persona: 20)
        var verdicts: [MissionDesk.Verdict] = []
        var t = Self.noon
        for s in 0..<40 {
            t = Self.noon.addingTimeInterval(Double(s))
            let north = min(0, -60 + 2 * Double(s)) + Double(s % 3) * 0.5
            let fix = Fix(
                latitude: hall.place.latitude + north / 111_320, longitude: hall.place.longitude, accuracyM: 6,
                timeS: t.timeIntervalSince1970)
            if let v = try desk.receive(fix, from: b, mission: Self.meeting, stamps: [], now: t, timeZone: Self.seoul) {
                verdicts.append(v)
            }
            if verdicts.last?.state == .stamped { break }
            // The online player stays, checking every two seconds.
            if s % 2 == 0 {
                _ = try desk.check(
                    spot("hall", 10), of: a1, mission: Self.meeting, stamps: [], now: t, timeZone: Self.seoul)
            }
        }
        #expect(verdicts.contains { $0.state == .inside })
        #expect(verdicts.last?.state == .stamped, "\(verdicts.suffix(3))")
        // And the online player completes at the next check.
        let later = t.addingTimeInterval(1)
        let a1Again = try desk.check(
            spot("hall", 10), of: a1, mission: Self.meeting, stamps: [], now: later, timeZone: Self.seoul)
        #expect(a1Again?.state == .stamped)
    }

    @Test func aBlockedPersonIsNeitherCountedNorShown() throws {
        var desk = MissionDesk()
        let a = MissionDesk.Player(account: 1, persona: 10)
        let b = MissionDesk.Player(account: 2, persona: 20)
        _ = try desk.check(
            spot("hall", 10), of: a, mission: Self.meeting, stamps: [], now: Self.noon, timeZone: Self.seoul)
        let v = try desk.check(
            spot("hall", 10), of: b, mission: Self.meeting, stamps: [], now: Self.noon, timeZone: Self.seoul,
            blocked: [1])
        #expect(v?.waiting == .meet(here: 1, needed: 2))
    }

    @Test func aScheduledCheckpointOpensAtItsLocalTime() throws {
        let show = Mission(
            id: "show", title: Self.text("t"), story: Self.text("s"), order: .free,
            checkpoints: [Self.checkpoint("facade", space: "gmap", task: .scheduled(at: "19:00", minutes: 60))])
        var desk = MissionDesk()
        let p = MissionDesk.Player(account: 1, persona: 10)
        let early = try desk.check(
            spot("gmap", 10), of: p, mission: show, stamps: [], now: Self.noon, timeZone: Self.seoul)
        guard case .scheduled(let opens, let closes) = early?.waiting else {
            Issue.record("\(String(describing: early))")
            return
        }
        #expect(opens == Self.noon.addingTimeInterval(7 * 3600) && closes == opens.addingTimeInterval(3600))
        let during = try desk.check(
            spot("gmap", 10), of: p, mission: show, stamps: [], now: Self.noon.addingTimeInterval(7 * 3600 + 600),
            timeZone: Self.seoul)
        #expect(during?.state == .stamped)
    }

    @Test func windowsAndDaylightDecideWhetherAMissionIsOpen() {
        var m = Self.tour
        m.window = .init(opens: Self.noon, closes: Self.noon.addingTimeInterval(86_400))
        #expect(m.availability(at: Self.noon.addingTimeInterval(-1)) == .notYet(opens: Self.noon))
        #expect(m.availability(at: Self.noon) == .open)
        #expect(m.availability(at: Self.noon.addingTimeInterval(86_400)) == .ended)
        m.window = nil
        m.daylightOnly = true
        #expect(m.availability(at: Self.noon) == .open)
        #expect(m.availability(at: Self.noon.addingTimeInterval(10 * 3600)) == .night, "22:00 in Gwangju")
        #expect(m.availability(at: Self.noon.addingTimeInterval(-7 * 3600)) == .night, "05:00 in October")
    }

    @Test func onlineChecksAreRateLimitedAndAFreeMissionPlaysTheNearestCheckpoint() throws {
        var desk = MissionDesk()
        let p = MissionDesk.Player(account: 1, persona: 10)
        let day = Mission(
            id: "day", title: Self.text("t"), story: Self.text("s"), order: .free,
            checkpoints: [
                Self.checkpoint("far", space: "hall", task: .reach),
                Checkpoint(
                    id: "near", name: Self.text("n"), place: .init(latitude: 35.2, longitude: 126.9, radiusM: 30),
                    mirror: .init(space: "hall", x: 90, y: 0, radiusM: 5), task: .reach, stamp: Self.text("n")),
            ])
        let verdicts = try (0..<7).map { _ in
            try desk.check(spot("hall", 80), of: p, mission: day, stamps: [], now: Self.noon, timeZone: Self.seoul)
        }
        #expect(verdicts[0]?.checkpoint == "near" && verdicts[0]?.distanceM == 10)
        #expect(verdicts.filter { $0?.reason == "too_many" }.count == 2, "a burst of five, then two a second")
        let later = try desk.check(
            spot("hall", 80), of: p, mission: day, stamps: [], now: Self.noon.addingTimeInterval(1),
            timeZone: Self.seoul)
        #expect(later?.state == .onTheWay)
    }

    @Test func theDeskHoldsAtMostItsPlaysAndForgetsIdleOnes() throws {
        var desk = MissionDesk(playsMax: 3, idleS: 600)
        for persona in 1...3 {
            _ = try desk.check(
                nil, of: .init(account: Int64(persona), persona: Int64(persona)), mission: Self.tour, stamps: [],
                now: Self.noon,
                timeZone: Self.seoul)
        }
        #expect(throws: MissionDesk.Full.self) {
            try desk.check(
                nil, of: .init(account: 9, persona: 9), mission: Self.tour, stamps: [], now: Self.noon,
                timeZone: Self.seoul)
        }
        desk.forget(personas: [2, 3], account: 2)
        #expect(desk.playCount == 1, "a deleted persona's play goes at once")
        let later = Self.noon.addingTimeInterval(601)
        _ = try desk.check(
            nil, of: .init(account: 9, persona: 9), mission: Self.tour, stamps: [], now: later, timeZone: Self.seoul)
        #expect(desk.playCount == 1)
    }

    @Test func completionsAreCountedByAccountAndReleasedOnlyWithNoise() {
        var tally = CompletionTally(day: "2026-10-10", dayStart: 1_791_558_000)
        for account in 1...40 { tally.earned(account: Int64(account), mission: "tour", checkpoint: "a") }
        tally.earned(account: 1, mission: "tour", checkpoint: "a")
        #expect(tally.count(mission: "tour", checkpoint: "a") == 40)
        var rng = SystemRandomNumberGenerator()
        var policy = ReleasePolicy()
        policy.epsilon = 1
        let releases = (0..<200).map { _ in
            MissionDayRelease.make(mission: Self.tour, tally: tally, policy: policy, rng: &rng)
        }
        #expect(releases[0].scale == 2, "two checkpoints, ε 1")
        let noisy = releases.compactMap { $0.checkpoints["a"] ?? nil }
        #expect(noisy.count == 200 && Set(noisy).count > 50, "each release draws its own noise")
        let mean = noisy.reduce(0, +) / Double(noisy.count)
        #expect(abs(mean - 40) < 1.5, "unbiased: \(mean)")
        // Nobody earned b: mostly withheld, and never exactly zero when shown.
        let b = releases.compactMap { $0.checkpoints["b"] ?? nil }
        #expect(b.count < 20 && !b.contains(0))
    }
}
