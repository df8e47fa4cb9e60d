import BitgoeulClient
import BitgoeulServer
import Clocks
import Foundation
import StorageSQLite
import Testing
import Wire
import WorldModel

/// Missions with SDK clients against a live server on the Gwangju world: a persona completes the
/// stamp tour online (the server judges from where its tick sees the avatar), and a "meet here"
/// completes with an on-site and an online account, never with two personas of one account.
@Suite struct MissionTests {
    static let gwangju = TestServer.repoRoot.appendingPathComponent("worlds/gwangju")
    /// 2026-10-10 19:10 in Gwangju: during the 16th Biennale, while G.MAP's façade show runs.
    static let biennaleEvening = Date(timeIntervalSince1970: 1_791_627_000)

    /// How far the servers' wall clock is set ahead of (or behind) the real one.
    static let offset = biennaleEvening.timeIntervalSinceNow

    /// Now on the servers' wall clock.
    static func serverNow() -> Date { Date().addingTimeInterval(offset) }

    /// A server on the Gwangju world whose wall clock read `biennaleEvening` when the suite began and runs on.
    static func server() async throws -> TestServer {
        let offset = Self.offset
        return try await TestServer.start(world: gwangju) {
            $0.passwordIterations = 1000
            $0.catalogueFile = TestServer.repoRoot.appendingPathComponent(
                "worlds/catalogue/tate-media-and-korean-artworks-cc0.json")
            $0.clock = ServiceClock(now: { Date().addingTimeInterval(offset) }, monotonicS: systemMonotonicSeconds)
        }
    }

    static func player(_ server: TestServer, _ name: String, persona: String) async throws -> (BitgoeulAPI, Int64) {
        let session = try await server.signUp(name, password: "stamps for everyone 2026")
        var api = server.api
        api.token = session.token
        return (api, try await api.createPersona(name: persona).id)
    }

    /// Joins `space` as the persona and waits for the first snapshot.
    static func enter(_ server: TestServer, _ api: BitgoeulAPI, _ persona: Int64, _ space: String) async throws
        -> Avatar
    {
        let avatar = try await Avatar.connect(url: server.connectURL, token: api.token)
        avatar.join(space: space, personaId: persona)
        guard await avatar.waitUntil(timeoutS: 5, { $0.view.snapshots > 0 && $0.view.space == space }) else {
            throw TestFailure("did not enter \(space)")
        }
        return avatar
    }

    static func teleport(_ avatar: Avatar, to space: String) async throws {
        avatar.teleport(toSpace: space)
        guard await avatar.waitUntil(timeoutS: 5, { $0.view.space == space && $0.view.snapshots > 0 }) else {
            throw TestFailure("did not arrive in \(space)")
        }
    }

    static func walk(_ avatar: Avatar, to x: Float, _ y: Float) async throws {
        for _ in 0..<400 {
            avatar.move(x: x, y: y, animation: .run)
            try await Task.sleep(for: .milliseconds(50))
            if avatar.read({ abs($0.view.selfX - x) < 0.5 && abs($0.view.selfY - y) < 0.5 }) { return }
        }
        throw TestFailure("did not reach (\(x), \(y))")
    }

    /// Checks every 600 ms (within the two checks a second allowed) until the verdict is `state`; the
    /// tick tells where it sees avatars once a second.
    static func checkUntil(
        _ api: BitgoeulAPI, _ mission: String, _ persona: Int64, _ state: String, timeoutS: Double = 5
    ) async throws -> BitgoeulAPI.MissionProgress {
        let deadline = Date().addingTimeInterval(timeoutS)
        var last: BitgoeulAPI.MissionProgress?
        while Date() < deadline {
            last = try await api.missionCheck(mission, persona: persona)
            if last?.verdict?.state == state { return last! }
            try await Task.sleep(for: .milliseconds(600))
        }
        throw TestFailure("no '\(state)' verdict: \(String(describing: last?.verdict))")
    }

    @Test func aPersonaCompletesTheStampTourOnline() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let tour = "gwangju-culture-stamps"
        let (api, persona) = try await Self.player(server, "walker", persona: "스탬프 여행자")
        let avatar = try await Self.enter(server, api, persona, "gwangju/acc-plaza")

        // Not there yet: the server says how far, from its own position of the avatar.
        var away = try await api.missionCheck(tour, persona: persona)
        for _ in 0..<10 where away.verdict?.distanceM == nil {
            // The tick tells where it sees each avatar once a second.
            try await Task.sleep(for: .milliseconds(600))
            away = try await api.missionCheck(tour, persona: persona)
        }
        #expect(away.verdict?.state == "onTheWay" && away.verdict?.checkpoint == "acc")
        #expect((away.verdict?.distanceM ?? 0) > 10)
        // Beside the square's fountain (the checkpoint's centre is in its basin).
        try await Self.walk(avatar, to: 0, -8.5)
        let acc = try await Self.checkUntil(api, tour, persona, "stamped")
        #expect(acc.stamps == ["acc"] && acc.next == "chungjangro")

        // Chungjang-ro: a free-text question, answered only after arriving.
        try await Self.teleport(avatar, to: "gwangju/chungjangro")
        await #expect(throws: BitgoeulAPI.Failure.self) {
            try await api.missionAnswer(tour, persona: persona, checkpoint: "chungjangro", answer: "김덕령")
        }
        try await Self.walk(avatar, to: 40, 0)
        let question = try await Self.checkUntil(api, tour, persona, "arrived")
        #expect(question.verdict?.task?.kind == "question")
        let wrong = try await api.missionAnswer(tour, persona: persona, checkpoint: "chungjangro", answer: "이순신")
        #expect(wrong.verdict?.reason == "wrong_answer" && wrong.stamps == ["acc"])
        let right = try await api.missionAnswer(
            tour, persona: persona, checkpoint: "chungjangro", answer: "김덕령".decomposedStringWithCanonicalMapping,
            keepDate: true)
        #expect(right.verdict?.state == "stamped" && right.next == "gmap")

        // G.MAP: find the work by its artist and year and name it.
        try await Self.teleport(avatar, to: "gwangju/gmap")
        try await Self.walk(avatar, to: 10, 22)
        let work = try await Self.checkUntil(api, tour, persona, "arrived")
        #expect(work.verdict?.task?.artist == "Bill Viola" && work.verdict?.task?.year == 1992)
        let named = try await api.missionAnswer(tour, persona: persona, checkpoint: "gmap", answer: "nantes  TRIPTYCH")
        #expect(named.verdict?.state == "stamped")

        // Bitgoeul Art Space: a choice.
        try await Self.teleport(avatar, to: "gwangju/bitgoeul-art-space")
        try await Self.walk(avatar, to: 20, 15)
        _ = try await Self.checkUntil(api, tour, persona, "arrived")
        let chosen = try await api.missionAnswer(tour, persona: persona, checkpoint: "bitgoeul-art-space", choice: 1)
        #expect(chosen.verdict?.state == "stamped")

        try await Self.teleport(avatar, to: "gwangju/biennale")
        try await Self.walk(avatar, to: 60, 30)
        let done = try await Self.checkUntil(api, tour, persona, "stamped")
        #expect(done.complete && done.rewardEarned && done.next == nil)

        // What is stored: the five stamps, a day only where asked for, and the medal.
        let stamps = try await api.stamps(persona: persona)
        #expect(stamps.stamps.count == 5 && stamps.rewards == ["medal"])
        #expect(stamps.stamps.filter { $0.day != nil }.map(\.checkpoint) == ["chungjangro"])
        #expect(stamps.stamps.first { $0.day != nil }?.day == "2026-10-10")
        let medal = Appearance(accessory: .medal)
        let worn = try await api.call(
            "PUT", "/api/v1/personas/\(persona)", body: PersonaBody(name: "스탬프 여행자", appearance: medal))
        #expect(try JSONDecoder().decode(Persona.self, from: worn).appearance.accessory == .medal)
        // Another persona of the same account has not earned it.
        let other = try await api.createPersona(name: "다른 부캐")
        await #expect(throws: BitgoeulAPI.Failure.self) {
            try await api.call(
                "PUT", "/api/v1/personas/\(other.id)", body: PersonaBody(name: "다른 부캐", appearance: medal))
        }
        avatar.close()
    }

    struct PersonaBody: Encodable, Sendable {
        let name: String
        let appearance: Appearance
    }

    @Test func meetHereNeedsTwoAccountsOnSiteAndOnlineMixedAndTheBiennaleDayIsPlayedOnline() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let day = "biennale-day-2026"
        // One account, two personas, both online at the meeting point: still one account.
        let (online, first) = try await Self.player(server, "onlineone", persona: "온라인 관람객")
        let second = try await online.createPersona(name: "온라인 두번째").id
        let a = try await Self.enter(server, online, first, "gwangju/biennale")
        let b = try await Self.enter(server, online, second, "gwangju/biennale")
        try await Self.walk(a, to: 20, 30)
        try await Self.walk(b, to: 21, 31)
        let alone = try await Self.checkUntil(online, day, first, "arrived")
        #expect(alone.verdict?.task?.here == 1 && alone.verdict?.task?.needed == 2)
        let stillAlone = try await Self.checkUntil(online, day, second, "arrived")
        #expect(stillAlone.verdict?.task?.here == 1, "two personas of one account count once")

        // Another account on site: a walk into the hall's real circle, one fix a second.
        let (site, walker) = try await Self.player(server, "onsite", persona: "현장 관람객")
        let hall = (lat: 35.1825648257, lon: 126.8902647155)
        var last: BitgoeulAPI.MissionProgress?
        for s in 0..<40 {
            let north = min(0, -70 + 4 * Double(s)) + Double(s % 3) * 0.7
            last = try await site.missionFix(
                day, persona: walker, latitude: hall.lat + north / 111_320, longitude: hall.lon, accuracyM: 6,
                timeS: Self.serverNow().timeIntervalSince1970)
            if last?.verdict?.state == "stamped" { break }
            _ = try await online.missionCheck(day, persona: first)
            try await Task.sleep(for: .milliseconds(1000))
        }
        #expect(last?.verdict?.state == "stamped", "\(String(describing: last?.verdict))")
        let together = try await online.missionCheck(day, persona: first)
        #expect(together.stamps == ["hall-meet"])

        // The rest of the Biennale-day mission online: the theme question in the hall, then G.MAP's
        // façade show, open from 19:00 (the server's clock reads 19:10 in Gwangju).
        try await Self.walk(a, to: 90, 30)
        let theme = try await Self.checkUntil(online, day, first, "arrived")
        #expect(theme.verdict?.checkpoint == "hall-title" && theme.verdict?.task?.kind == "question")
        let answered = try await online.missionAnswer(day, persona: first, checkpoint: "hall-title", choice: 0)
        #expect(answered.verdict?.state == "stamped")
        try await Self.teleport(a, to: "gwangju/gmap")
        // Round the partitions and the screen in the middle of the hall.
        for (x, y): (Float, Float) in [(25, 20), (25, 25), (37, 25), (50, 20)] { try await Self.walk(a, to: x, y) }
        let show = try await Self.checkUntil(online, day, first, "stamped")
        #expect(show.complete && show.reward == "lanyard" && show.rewardEarned)
        a.close()
        b.close()
    }
}
