import BitgoeulClient
import BitgoeulServer
import Clocks
import Foundation
import Privacy
import Storage
import StorageSQLite
import Testing
import WorldModel

/// The missions API at the router, on the Gwangju world with a hand-moved clock: views never
/// carry answers; curators save missions checked like the shipped ones; an on-site walk earns a
/// stamp; online play needs an avatar; rewards need the stamps; and the day's completions leave
/// only as a noisy release in the ε ledger.
@Suite struct MissionRouteTests {
    /// 2026-10-10 12:00 in Gwangju.
    static let noon = Date(timeIntervalSince1970: 1_791_601_200)
    static let tour = "gwangju-culture-stamps"
    static let acc = (lat: 35.14743, lon: 126.919358)

    static func start(_ clock: ManualClock) throws -> RouterServer {
        try RouterServer(world: MissionTests.gwangju) {
            $0.clock = clock.clock
            $0.catalogueFile = TestServer.repoRoot.appendingPathComponent(
                "worlds/catalogue/tate-media-and-korean-artworks-cc0.json")
            $0.missionStatsPeriodS = 0.05
            $0.releasePolicy.threshold = 0
        }
    }

    /// The failure a call ends in, or nil when it succeeds.
    static func failure(
        _ api: BitgoeulAPI, _ method: String, _ path: String, body: (some Encodable & Sendable)? = nil as String?
    ) async -> BitgoeulAPI.Failure? {
        do {
            _ = try await api.call(method, path, body: body)
            return nil
        } catch {
            return error as? BitgoeulAPI.Failure
        }
    }

    /// The shipped tour as JSON, with `change` applied.
    static func tourJSON(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> Data {
        let file = MissionTests.gwangju.appendingPathComponent("missions/\(tour).json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        change(&json)
        return try JSONSerialization.data(withJSONObject: json)
    }

    static func put(_ client: RouterClient, _ api: BitgoeulAPI, _ id: String, _ body: Data) async throws -> (
        Int, String
    ) {
        let (status, data) = try await RouterTransport(client: client.client).send(
            method: "PUT", path: "/api/v1/missions/\(id)",
            headers: ["Authorization": "Bearer \(api.token ?? "")", "Content-Type": "application/json"], body: body)
        return (status, String(decoding: data, as: UTF8.self))
    }

    @Test func viewsCarryNoAnswersAndCuratorsSaveCheckedMissions() async throws {
        let clock = ManualClock(at: Self.noon)
        let server = try Self.start(clock)
        try await server.test { client in
            let list = String(decoding: try await client.api.call("GET", "/api/v1/missions"), as: UTF8.self)
            #expect(list.contains(Self.tour) && list.contains("biennale-day-2026"))
            #expect(!list.contains("김덕령") && !list.contains("\"answers\"") && !list.contains("\"answer\""))
            #expect(list.contains("\"artist\":\"Bill Viola\""), "the work to find is named by its artist")

            let visitor = try await client.citizen("visitor", personas: ["구경꾼"])
            let curator = try await client.citizen("curator", personas: ["큐레이터"])
            try await server.services.store.setRole(account: curator.accountId, space: "*", role: .curator)
            let hidden = await Self.failure(visitor.api, "GET", "/api/v1/missions/\(Self.tour)/source")
            #expect(hidden?.status == 403)
            let source = String(
                decoding: try await curator.api.call("GET", "/api/v1/missions/\(Self.tour)/source"), as: UTF8.self)
            #expect(source.contains("김덕령"))

            // A visitor cannot save; a curator replaces (200) and creates (201); bad ones are refused.
            let renamed = try Self.tourJSON { $0["title"] = ["ko": "새 제목", "en": "New title"] }
            #expect(try await Self.put(client, visitor.api, Self.tour, renamed).0 == 403)
            #expect(try await Self.put(client, curator.api, Self.tour, renamed).0 == 200)
            let shown = String(
                decoding: try await client.api.call("GET", "/api/v1/missions/\(Self.tour)"), as: UTF8.self)
            #expect(shown.contains("New title"))
            let copy = try Self.tourJSON { $0["id"] = "tour-copy" }
            #expect(try await Self.put(client, curator.api, "tour-copy", copy).0 == 201)
            let wide = try Self.tourJSON { json in
                var checkpoints = json["checkpoints"] as! [[String: Any]]
                checkpoints[2]["place"] = ["latitude": 35.148, "longitude": 126.909, "radiusM": 900]
                json["checkpoints"] = checkpoints
            }
            let (status, body) = try await Self.put(client, curator.api, Self.tour, wide)
            #expect(
                status == 422 && body.contains("checkpoints[2].place.radiusM: must be more than 0 and at most 500 m"))
            let (mismatch, why) = try await Self.put(client, curator.api, "other-id", renamed)
            #expect(mismatch == 422 && why.contains("id: must be 'other-id'"))
            // The saved versions are in the store, to be loaded at the next start.
            let saved = try await server.services.store.missions().map(\.id)
            #expect(saved == ["gwangju-culture-stamps", "tour-copy"])
        }
    }

    @Test func anOnSiteWalkEarnsTheStampAndTheDayIsReleasedWithNoise() async throws {
        let clock = ManualClock(at: Self.noon)
        let server = try Self.start(clock)
        try await server.test { client in
            let walker = try await client.citizen("walker", personas: ["걷는이", "두번째"])
            let persona = walker.personas[0].id
            // Online play needs the persona in a space of this server.
            let offline = await Self.failure(
                walker.api, "POST", "/api/v1/missions/\(Self.tour)/check", body: ["persona": persona])
            #expect(offline?.code == "not_in_world")
            // Another account's persona is not one to play as.
            let other = try await client.citizen("other", personas: ["남궁"])
            let notTheirs = await Self.failure(
                other.api, "GET", "/api/v1/missions/\(Self.tour)/progress?persona=\(persona)")
            #expect(notTheirs?.status == 404)

            // A walk north to the ACC at 1.5 m/s, a fix a second, with a metre of jitter.
            var last: BitgoeulAPI.MissionProgress?
            for s in 0..<80 {
                clock.advance(by: 1)
                let north = min(-10, -90 + 1.5 * Double(s)) + Double(s % 3) * 0.4
                last = try await walker.api.missionFix(
                    Self.tour, persona: persona, latitude: Self.acc.lat + north / 111_320, longitude: Self.acc.lon,
                    accuracyM: 8, timeS: clock.now.timeIntervalSince1970 - 0.3)
                if last?.verdict?.state == "stamped" { break }
                #expect(last?.verdict?.state != "refused", "\(String(describing: last?.verdict))")
            }
            #expect(last?.verdict?.state == "stamped" && last?.stamps == ["acc"] && last?.next == "chungjangro")
            // An answer is length-limited, and only someone who has arrived may answer.
            let long = AnswerBody(
                persona: persona, checkpoint: "chungjangro", answer: String(repeating: "김", count: 201))
            let tooLong = await Self.failure(walker.api, "POST", "/api/v1/missions/\(Self.tour)/answer", body: long)
            #expect(tooLong?.status == 422 && tooLong?.message.contains("answer") == true)
            let early = AnswerBody(persona: persona, checkpoint: "chungjangro", answer: "김덕령")
            let notThere = await Self.failure(walker.api, "POST", "/api/v1/missions/\(Self.tour)/answer", body: early)
            #expect(notThere?.code == "not_there")
            // A flood of fixes is refused with 429.
            var statuses: [Int] = []
            for _ in 0..<8 {
                let fix = FixBody(
                    persona: persona, latitude: Self.acc.lat, longitude: Self.acc.lon, accuracyM: 5,
                    timeS: clock.now.timeIntervalSince1970)
                let f = await Self.failure(walker.api, "POST", "/api/v1/missions/\(Self.tour)/fix", body: fix)
                statuses.append(f?.status ?? 200)
            }
            #expect(statuses.contains(429))
            // The medal is not the persona's until the whole tour is done.
            let medal = MissionTests.PersonaBody(name: "걷는이", appearance: Appearance(accessory: .medal))
            let unearned = await Self.failure(walker.api, "PUT", "/api/v1/personas/\(persona)", body: medal)
            #expect(unearned?.code == "invalid_field")
            #expect(try await walker.api.stamps(persona: persona).stamps.map(\.checkpoint) == ["acc"])
            #expect(try await walker.api.stamps(persona: walker.personas[1].id).stamps.isEmpty)

            // The next day, the day's counts are released: noisy, with the ε they cost in the ledger.
            clock.advance(by: 86_400)
            var stats: [String: Any] = [:]
            for _ in 0..<100 {
                stats = try await client.get("/api/v1/stats/missions?mission=\(Self.tour)&date=2026-10-10").1
                if stats["release"] is [String: Any] { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let release = try #require(stats["release"] as? [String: Any])
            #expect(stats["epsilonSpent"] as? Double == 0.5)
            #expect(release["scale"] as? Double == 10, "five checkpoints, ε 0.5")
            let counts = try #require(release["checkpoints"] as? [String: Any])
            #expect(Set(counts.keys) == ["acc", "chungjangro", "gmap", "bitgoeul-art-space", "biennale"])
            #expect((counts["acc"] as? Double).map { $0 != 1 } ?? true, "the raw count never leaves")
            // The Biennale-day mission was open that day too: released whether anyone played it or not.
            let biennale = try await client.get("/api/v1/stats/missions?mission=biennale-day-2026&date=2026-10-10").1
            #expect(biennale["release"] is [String: Any])
        }
    }

    struct AnswerBody: Encodable, Sendable {
        let persona: Int64
        let checkpoint: String
        let answer: String
    }

    struct FixBody: Encodable, Sendable {
        let persona: Int64
        let latitude: Double
        let longitude: Double
        let accuracyM: Double
        let timeS: Double
    }
}
