import BitgoeulClient
import BitgoeulServer
import Clocks
import Foundation
import GRDB
import Planning
import Storage
import Testing
import WorldModel

/// Plans at the router, on the real Yeouido buildings with a hand-moved clock: a planner publishes
/// the tower; its effects job finishes with the neighbours' roofs losing sun and none gaining; two
/// personas of one account count once; comments obey blocks, threads and the edit window; at the
/// close the report is frozen and the database no longer links a vote to anyone.
@Suite struct PlanningRouteTests {
    /// 2026-12-01 12:00 in Seoul: the shipped tower's comment period is open.
    static let noon = Date(timeIntervalSince1970: 1_796_094_000)
    static let seoul = TestServer.repoRoot.appendingPathComponent("worlds/seoul")
    static let base = "/api/v1/spaces/seoul/yeouido/proposals"

    static func start(_ clock: ManualClock) throws -> RouterServer {
        try RouterServer(world: seoul) {
            $0.clock = clock.clock
            $0.planningEffects = .draft
            $0.planningPeriodS = 0.05
        }
    }

    /// The shipped tower as a new proposal `id`, with `change` applied.
    static func towerJSON(_ id: String, _ change: (inout [String: Any]) -> Void = { _ in }) throws -> Data {
        let file = seoul.appendingPathComponent("proposals/yeouido-tower.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        json["id"] = id
        json["space"] = nil
        change(&json)
        return try JSONSerialization.data(withJSONObject: json)
    }

    static func send(_ client: RouterClient, _ api: BitgoeulAPI?, _ method: String, _ path: String, _ body: Data?)
        async throws -> (Int, [String: Any])
    {
        var headers = ["Content-Type": "application/json"]
        if let token = api?.token { headers["Authorization"] = "Bearer \(token)" }
        let (status, data) = try await RouterTransport(client: client.client).send(
            method: method, path: path, headers: headers, body: body)
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    static func json(_ value: [String: Any]) -> Data { (try? JSONSerialization.data(withJSONObject: value)) ?? Data() }

    static func message(_ answer: [String: Any]) -> String {
        ((answer["error"] as? [String: Any])?["message"] as? String) ?? ""
    }

    @Test func aPlannerPublishesTheTowerAndTheCityVotesCommentsAndCloses() async throws {
        let clock = ManualClock(at: Self.noon)
        let server = try Self.start(clock)
        try await server.test { client in
            let planner = try await client.citizen("planner", personas: ["도시계획가"])
            let alice = try await client.citizen("alice", personas: ["앨리스", "둘째 앨리스"])
            let bob = try await client.citizen("bob", personas: ["밥아저씨"])
            try await server.services.store.setRole(account: planner.accountId, space: "seoul/yeouido", role: .planner)
            let path = "\(Self.base)/test-tower"

            // Only planners publish; a bad height is refused naming the field.
            #expect(try await Self.send(client, alice.api, "POST", Self.base, Self.towerJSON("test-tower")).0 == 403)
            let flat = try Self.towerJSON("test-tower") {
                var changes = $0["changes"] as! [[String: Any]]
                changes[0]["heightM"] = 0
                $0["changes"] = changes
            }
            let refused = try await Self.send(client, planner.api, "POST", Self.base, flat)
            #expect(refused.0 == 422 && Self.message(refused.1).hasPrefix("changes[0].heightM"))
            let published = try await Self.send(client, planner.api, "POST", Self.base, Self.towerJSON("test-tower"))
            #expect(published.0 == 201 && published.1["state"] as? String == "open")

            // The effects job: neighbours lose sun, none gains; the tower adds shadow at both solstices.
            var effects: [String: Any] = [:]
            for _ in 0..<600 {
                let (status, body) = try await client.get("\(path)/effects")
                if status == 200 {
                    effects = body
                    break
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(effects["state"] as? String == "done", "effects: \(effects)")
            let solar = try #require(effects["solar"] as? [String: Any])
            let roofs = try #require(solar["roofs"] as? [[String: Any]])
            #expect(!roofs.isEmpty && (solar["lostKWh"] as? Double ?? 0) > 0)
            #expect(solar["gainedKWh"] as? Double == 0)
            #expect(roofs.allSatisfy { ($0["deltaKWh"] as? Double ?? 0) < 0 }, "no roof gains")
            let shadow = try #require(effects["shadow"] as? [String: Any])
            #expect(((shadow["winter"] as? [String: Any])?["maxAddedH"] as? Double ?? 0) > 0)

            // Two personas of one account: the second vote replaces the first.
            let vote = { (who: Citizen, persona: Int, stance: String) in
                try await Self.send(
                    client, who.api, "POST", "\(path)/votes",
                    Self.json(["persona": who.personas[persona].id, "stance": stance]))
            }
            #expect(try await vote(alice, 0, "support").1["tally"] as? [String: Int] == ["support": 1, "oppose": 0])
            #expect(try await vote(alice, 1, "oppose").1["tally"] as? [String: Int] == ["support": 0, "oppose": 1])
            #expect(try await vote(bob, 0, "support").1["tally"] as? [String: Int] == ["support": 1, "oppose": 1])
            #expect(try await vote(bob, 0, "maybe").0 == 422)
            let seen = try await Self.send(client, alice.api, "GET", path, nil).1
            #expect(seen["myStance"] as? String == "oppose")
            #expect(try await vote(alice, 0, "none").0 == 200, "a voice can be withdrawn")
            #expect(try await vote(alice, 1, "oppose").1["tally"] as? [String: Int] == ["support": 1, "oppose": 1])

            // Comments: blocks hide both ways, replies are one level, the planner answers as the planner.
            let comment = { (who: Citizen, text: String, parent: Int64?) in
                var body: [String: Any] = ["persona": who.personas[0].id, "text": text]
                if let parent { body["parent"] = parent }
                return try await Self.send(client, who.api, "POST", "\(path)/comments", Self.json(body))
            }
            let bobs = try await comment(bob, "그늘이 걱정됩니다", nil)
            #expect(bobs.0 == 201)
            let bobsId = try #require(bobs.1["id"] as? Int64)
            let answer = try await comment(planner, "동지 그림자 지도를 보세요", bobsId)
            #expect(answer.0 == 201 && answer.1["planner"] as? Bool == true)
            let deep = try await comment(alice, "답의 답", try #require(answer.1["id"] as? Int64))
            #expect(deep.0 == 422)
            #expect(try await comment(alice, String(repeating: "가", count: 1001), nil).0 == 422)
            _ = try await server.services.store.addRelation(
                kind: .block, owner: alice.accountId, target: bob.accountId, targetName: "밥아저씨", now: clock.clock.now())
            let forAlice = try await Self.send(client, alice.api, "GET", "\(path)/comments", nil).1
            #expect((forAlice["comments"] as? [Any])?.isEmpty == true, "alice blocked bob: his thread is hidden")
            let forAll = try await client.get("\(path)/comments").1
            let threads = try #require(forAll["comments"] as? [[String: Any]])
            #expect(threads.count == 1 && (threads[0]["replies"] as? [Any])?.count == 1)

            // Edits within ten minutes only, and only by the author.
            let edit = { (who: Citizen, text: String) in
                try await Self.send(client, who.api, "PATCH", "\(path)/comments/\(bobsId)", Self.json(["text": text]))
            }
            #expect(try await edit(alice, "남의 글").0 == 403)
            #expect(try await edit(bob, "그늘이 많이 걱정됩니다").0 == 200)
            clock.advance(by: 601)
            #expect(try await edit(bob, "늦은 수정").0 == 409)

            // The close: the report freezes the tally and the discussion; votes stop; the key is gone.
            let key = try #require(
                try await server.services.store.ballotKey(proposal: "test-tower", fresh: Data(count: 32)))
            clock.advance(by: 62 * 86_400)
            var report: [String: Any] = [:]
            for _ in 0..<100 {
                let (status, body) = try await client.get("\(path)/report")
                if status == 200 {
                    report = body
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let versions = try #require(report["versions"] as? [[String: Any]])
            #expect(versions.first?["tally"] as? [String: Int] == ["support": 1, "oppose": 1])
            #expect((report["comments"] as? [Any])?.count == 1)
            // (Two months on, bob signs in again.)
            var again = bob.api
            again.token = try JSONDecoder().decode(
                BitgoeulAPI.SessionInfo.self,
                from: try await client.api.call(
                    "POST", "/api/v1/sessions", body: ["username": "bob", "password": "correct horse battery"])
            ).token
            let late = try await Self.send(
                client, again, "POST", "\(path)/votes", Self.json(["persona": bob.personas[0].id, "stance": "oppose"]))
            #expect(late.0 == 409, "\(late)")
            let page = try await Self.send(client, nil, "GET", "\(path)/report.html", nil)
            #expect(page.0 == 200)
            #expect(try await server.services.store.ballotKey(proposal: "test-tower", fresh: Data(count: 32)) == nil)

            // The database: the ballot has voters and stances only, and the key's bytes are nowhere.
            let ids = [alice.accountId, bob.accountId] + (alice.personas + bob.personas).map(\.id)
            let file = server.dataDirectory.appendingPathComponent("bitgoeul.sqlite")
            let queue = try DatabaseQueue(path: file.path)
            let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM ballot") }
            #expect(rows.count == 2)
            for row in rows {
                #expect(Set(row.columnNames) == ["proposal", "version", "voter", "stance"])
                let voter: Data = row["voter"]
                for id in ids {
                    #expect(voter.range(of: withUnsafeBytes(of: id.bigEndian) { Data($0) }) == nil)
                    #expect(voter.range(of: withUnsafeBytes(of: id.littleEndian) { Data($0) }) == nil)
                }
            }
            try queue.close()
            for name in ["bitgoeul.sqlite", "bitgoeul.sqlite-wal"] {
                let bytes = (try? Data(contentsOf: server.dataDirectory.appendingPathComponent(name))) ?? Data()
                #expect(bytes.range(of: key) == nil, "the destroyed key is not in \(name)")
            }
        }
    }
}
