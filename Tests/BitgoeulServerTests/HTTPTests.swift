import BitgoeulClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import Wire
import WorldModel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The HTTP API: errors, accounts and personas at the router; health, world occupancy and metrics,
/// which count WebSocket guests, against a live server.
@Suite struct HTTPTests {
    func get(_ server: TestServer, _ path: String) async throws -> (Int, [String: Any]) {
        let (data, response) = try await URLSession.shared.data(from: server.baseURL.appendingPathComponent(path))
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as! HTTPURLResponse).statusCode, json)
    }

    @Test func healthAndWorldListSpacesWithAnchorsAndOccupancy() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let (status, health) = try await get(server, "/healthz")
        #expect(status == 200)
        #expect(health["status"] as? String == "ok")

        let avatar = try await server.guest("Visitor")
        let (worldStatus, world) = try await get(server, "/api/v1/world")
        #expect(worldStatus == 200)
        let regions = try #require(world["regions"] as? [[String: Any]])
        let spaces = try #require(regions.first?["spaces"] as? [[String: Any]])
        let plaza = try #require(spaces.first { $0["id"] as? String == "testland/plaza" })
        let anchor = try #require(plaza["anchor"] as? [String: Any])
        #expect(anchor["latitude"] as? Double == 35.147)
        #expect(plaza["occupancy"] as? Int == 1, "the joined guest is counted")
        #expect(plaza["capacity"] as? Int == 100)
        #expect((plaza["portals"] as? [[String: Any]])?.first?["target"] as? String == "testland/hall")
        #expect(plaza["spawns"] != nil && plaza["bounds"] != nil)
        let areas = try #require(plaza["areas"] as? [[String: Any]])
        #expect(areas.compactMap { ($0["name"] as? [String: Any])?["en"] as? String }.first == "Dong-gu")
        avatar.close()
    }

    @Test func unknownRoutesAndBadBodiesGiveJSONErrors() async throws {
        try await RouterServer().test { client in
            let (status, body) = try await client.get("/api/v1/nothing-here")
            #expect(status == 404)
            #expect((body["error"] as? [String: Any])?["code"] as? String == "not_found")

            await #expect(throws: BitgoeulAPI.Failure.self) {
                try await client.api.register(username: "ab", password: "long enough")
            }
            do {
                _ = try await client.api.call("POST", "/api/v1/accounts", body: ["username": "valid_name"])
                Issue.record("a body without password was accepted")
            } catch let failure as BitgoeulAPI.Failure {
                #expect(failure.status == 422)
                #expect(failure.message.contains("password"))
            }
            let (spaceStatus, space) = try await client.get("/api/v1/spaces/testland/nowhere")
            #expect(spaceStatus == 404)
            #expect((space["error"] as? [String: Any])?["code"] as? String == "unknown_space")
        }
    }

    @Test func accountsSessionsAndPersonasFollowTheRules() async throws {
        try await RouterServer().test { client in
            try await client.api.register(username: "Minji", password: "correct horse")
            await #expect(throws: BitgoeulAPI.Failure.self, "the same username, any case, is taken") {
                try await client.api.register(username: "minji", password: "another pass")
            }
            await #expect(throws: BitgoeulAPI.Failure.self, "a wrong password is refused") {
                _ = try await client.api.signIn(username: "minji", password: "wrong horse")
            }
            let api = try await client.api.signIn(username: "minji", password: "correct horse")
            #expect(api.token?.utf8.count == 43, "256-bit token in base64url")

            for i in 1...5 {
                _ = try await api.createPersona(
                    name: "빛고을 \(i)", appearance: Appearance(bodyShape: .broad, accessory: .hat))
            }
            do {
                _ = try await api.createPersona(name: "Sixth")
                Issue.record("a sixth persona was accepted")
            } catch let failure as BitgoeulAPI.Failure {
                #expect(failure.code == "persona_limit")
            }
            let personas = try await api.personas()
            #expect(personas.count == 5)
            #expect(personas[0].appearance.accessory == .hat)

            do {
                _ = try await api.createPersona(name: "<script>")
                Issue.record("a name with markup was accepted")
            } catch let failure as BitgoeulAPI.Failure {
                #expect(failure.status == 422)
            }
            var stranger = client.api
            stranger.token = "not-a-real-token"
            do {
                _ = try await stranger.personas()
                Issue.record("a bad token was accepted")
            } catch let failure as BitgoeulAPI.Failure {
                #expect(failure.status == 401)
            }
        }
    }

    @Test func restartKeepsAccountsAndPersonas() async throws {
        let first = try RouterServer()
        let (token, persona) = try await first.test { client in
            try await client.api.register(username: "keeper", password: "persist me")
            let api = try await client.api.signIn(username: "keeper", password: "persist me")
            return (api.token, try await api.createPersona(name: "Keeper"))
        }

        let second = try RouterServer(dataDirectory: first.dataDirectory)
        try await second.test { client in
            let again = try await client.api.signIn(username: "keeper", password: "persist me")
            let personas = try await again.personas()
            #expect(personas.map(\.id) == [persona.id])
            #expect(personas.first?.name == "Keeper")
            // The old session token survives the restart too.
            var old = client.api
            old.token = token
            #expect(try await old.personas().count == 1)
        }
    }

    @Test func metricsAndOpenAPIAreServed() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let avatar = try await server.guest("Counter")
        try await Task.sleep(for: .milliseconds(300))
        let (data, response) = try await URLSession.shared.data(from: server.baseURL.appendingPathComponent("/metrics"))
        #expect((response as! HTTPURLResponse).statusCode == 200)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("bitgoeul_connected_clients"))
        #expect(text.contains("bitgoeul_tick_duration_seconds_bucket"))
        #expect(text.contains("bitgoeul_bytes_sent_total"))
        let (status, openapi) = try await get(server, "/openapi.json")
        #expect(status == 200)
        #expect((openapi["openapi"] as? String)?.hasPrefix("3.") == true)
        let paths = try #require(openapi["paths"] as? [String: Any])
        for path in [
            "/healthz", "/api/v1/world", "/api/v1/accounts", "/api/v1/sessions", "/api/v1/personas", "/api/v1/connect",
            "/metrics", "/api/v1/me", "/api/v1/me/vault", "/api/v1/me/access-log", "/api/v1/transparency/head",
            "/api/v1/transparency/key", "/api/v1/transparency/consistency", "/api/v1/stats/visits",
            "/api/v1/stats/heatmap", "/api/v1/missions", "/api/v1/missions/{id}/fix", "/api/v1/stats/missions",
        ] {
            #expect(paths[path] != nil, "openapi.json documents \(path)")
        }
        avatar.close()
    }
}

/// Imported geodata served to clients (at the router), and used for collision (live).
@Suite struct AssetTests {
    static let seoul = TestServer.repoRoot.appendingPathComponent("worlds/seoul")

    @Test func importedAssetsAreServedWithETags() async throws {
        try await RouterServer(world: Self.seoul).test { client in
            let path = "/api/v1/spaces/seoul/yeouido/assets/buildings.glb"
            let response = try await client.client.execute(uri: path, method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "model/gltf-binary")
            #expect(Data(response.body.readableBytesView).prefix(4) == Data("glTF".utf8))
            let etag = try #require(response.headers[.eTag])
            let again = try await client.client.execute(uri: path, method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            let missing = try await client.client.execute(
                uri: "/api/v1/spaces/seoul/yeouido/assets/passwords.txt", method: .get)
            #expect(missing.status == .notFound)
        }
    }

    @Test func importedFootprintsStopWalkers() async throws {
        let server = try await TestServer.start(world: Self.seoul)
        defer { Task { await server.stop() } }
        let footprintsURL = Self.seoul.appendingPathComponent("spaces/yeouido/footprints.json")
        let footprints = try JSONDecoder().decode([Polygon].self, from: Data(contentsOf: footprintsURL))
        let walker = try await server.guest("Walker", space: "seoul/yeouido")
        let start = Point(Double(walker.snapshot.view.selfX), Double(walker.snapshot.view.selfY))
        // Walk at the nearest real building's centre.
        let nearest = try #require(footprints.min { $0.distanceToEdges(start) < $1.distanceToEdges(start) })
        let box = nearest.boundingBox
        let target = Point((box.min.x + box.max.x) / 2, (box.min.y + box.max.y) / 2)
        #expect(nearest.distanceToEdges(start) < 40, "a building within 40 m of the spawn")
        walker.move(x: Float(target.x), y: Float(target.y), animation: .run)
        try await Task.sleep(for: .seconds(nearest.distanceToEdges(start) / 4 + 1.5))
        let end = Point(Double(walker.snapshot.view.selfX), Double(walker.snapshot.view.selfY))
        #expect(!footprints.contains { $0.contains(end) }, "ended inside a building at \(end)")
        #expect(nearest.distanceToEdges(end) < 1.0, "stopped at the wall: \(nearest.distanceToEdges(end)) m away")
        #expect(walker.snapshot.view.corrected)
    }
}
