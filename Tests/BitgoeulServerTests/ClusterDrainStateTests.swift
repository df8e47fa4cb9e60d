import BitgoeulClient
import Foundation
import Testing
import Wire
import WorldModel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension ClusterFailoverTests {
    /// Digital humans walking slowly across the hall (about 50 s to the exit).
    static let hallCrowd = """
        [model]
        dt = 0.01
        [geometry]
        walkable = "POLYGON ((10 2, 28 2, 28 18, 10 18, 10 2))"
        [[exits]]
        id = "east"
        area = "POLYGON ((27 8, 28 8, 28 12, 27 12, 27 8))"
        [[groups]]
        count = 20
        area = "POLYGON ((11 3, 15 3, 15 17, 11 17, 11 3))"
        placement = "grid"
        speed = { mean = 0.3, sd = 0 }
        goal = "east"
        [run]
        max_time = 300
        """

    struct Crowd: Decodable {
        let id: String
        let simulatedTimeS: Double
    }

    struct Listed: Decodable {
        struct Item: Decodable {
            let state: Crowd
            let running: Bool
        }
        let simulations: [Item]
    }

    /// What the hall held in memory follows it to the other node on a drain: a report filed there
    /// afterwards shows what was said before, and the crowd walks on under its id.
    @Test func aDrainTakesTheEvidenceWindowAndTheCrowdAlong() async throws {
        try await LiveCluster.with(["a", "b"]) { cluster in
            let placements = try await cluster.settledPlacements()
            let leaving = try #require(placements["testland/hall"])
            let staying = try #require(cluster.nodes.keys.sorted().first { $0 != leaving })
            let hana = try await cluster.citizen("hana", persona: "Hana", via: staying)
            let mina = try await cluster.citizen("mina", persona: "Mina", via: staying)
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("role-\(UUID().uuidString).log")
            let pid = try LiveCluster.spawn(
                [
                    LiveCluster.binary.path, "role", "--database", cluster.database, "--username", "hana", "--space",
                    "testland/hall", "--role", "owner",
                ], log: log.path)
            #expect(LiveCluster.wait(pid) == 0)

            var avatars: [Avatar] = []
            for citizen in [hana, mina] {
                let avatar = try await Avatar.connect(url: cluster.node(leaving).connectURL, token: citizen.api.token)
                avatar.join(space: "testland/hall", personaId: citizen.personas[0].id)
                avatars.append(avatar)
            }
            let (hanaAvatar, minaAvatar) = (avatars[0], avatars[1])
            for avatar in avatars {
                #expect(
                    await avatar.waitUntil(timeoutS: 5) { $0.view.space == "testland/hall" && $0.view.snapshots > 0 })
            }
            var request = URLRequest(
                url: cluster.node(leaving).baseURL.appendingPathComponent("/api/v1/spaces/testland/hall/simulations"))
            request.httpMethod = "POST"
            request.httpBody = Data(Self.hallCrowd.utf8)
            request.setValue("application/toml", forHTTPHeaderField: "Content-Type")
            request.setValue("Bearer \(hana.api.token ?? "")", forHTTPHeaderField: "Authorization")
            let (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 201, "\(String(decoding: body, as: UTF8.self))")
            let crowd = try JSONDecoder().decode(Crowd.self, from: body)
            minaAvatar.say("meet me behind the hall, alone", scope: .space)
            #expect(
                await hanaAvatar.waitUntil(timeoutS: 3) { $0.chat.contains { $0.text.contains("behind the hall") } })
            try await Task.sleep(for: .seconds(2))

            #expect(try await cluster.terminate(leaving) == 0, "the drained node exits cleanly")
            for avatar in avatars {
                #expect(
                    await avatar.waitUntil(timeoutS: 5) {
                        $0.server == cluster.node(staying).connectURL && $0.view.space == "testland/hall"
                    })
            }
            let minaId = try #require(
                await hanaAvatar.waitUntil(timeoutS: 3) { $0.view.entity(named: "Mina") != nil }
                    ? hanaAvatar.snapshot.view.entity(named: "Mina")?.id : nil)
            hanaAvatar.report(entityId: minaId, category: 1, note: "wants to meet alone")
            #expect(await hanaAvatar.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("received") } })

            struct Reports: Decodable {
                struct Item: Decodable {
                    struct Evidence: Decodable {
                        struct Line: Decodable {
                            let who: String
                            let text: String
                        }
                        let chat: [Line]
                    }
                    let id: Int64
                    let evidence: Evidence?
                }
                let reports: [Item]
            }
            var api = cluster.node(staying).api
            api.token = hana.api.token
            let queue = try JSONDecoder().decode(
                Reports.self, from: try await api.call("GET", "/api/v1/moderation/reports"))
            let listed = try #require(queue.reports.first)
            let raw = try await api.call("GET", "/api/v1/moderation/reports/\(listed.id)")
            let report = try JSONDecoder().decode(Reports.Item.self, from: raw)
            #expect(
                report.evidence?.chat.contains { $0.who == "reported" && $0.text.contains("behind the hall") } == true,
                "said on the drained node, shown in the report made on the other")

            let listedCrowds = try JSONDecoder().decode(
                Listed.self, from: try await api.call("GET", "/api/v1/spaces/testland/hall/simulations"))
            let moved = try #require(listedCrowds.simulations.first { $0.state.id == crowd.id })
            #expect(moved.running, "the crowd walks on")
            #expect(moved.state.simulatedTimeS > 2, "from where it was, not from the start")
        }
    }
}
