import BitgoeulClient
import BitgoeulServer
import Foundation
import Storage
import StorageSQLite
import Testing
import Wire
import WorldModel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Digital humans in a live space, end to end: started by an owner over HTTP, streamed to a real
/// client flagged as simulated, walking around the avatar, stopped again.
@Suite struct LiveCrowdTests {
    static let scenario = """
        [model]
        dt = 0.01
        [geometry]
        walkable = "POLYGON ((2 22, 40 22, 40 40, 2 40, 2 22))"
        [[exits]]
        id = "east"
        area = "POLYGON ((39 26, 40 26, 40 34, 39 34, 39 26))"
        [[groups]]
        count = 80
        area = "POLYGON ((3 25, 8 25, 8 35, 3 35, 3 25))"
        placement = "grid"
        goal = "east"
        [run]
        max_time = 300
        """

    func post(_ server: TestServer, token: String?, body: String) async throws -> (Int, String) {
        var request = URLRequest(
            url: server.baseURL.appendingPathComponent("/api/v1/spaces/testland/plaza/simulations"))
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/toml", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func anOwnerStartsDigitalHumansThatWalkAroundAvatars() async throws {
        let server = try await TestServer.start { $0.passwordIterations = 1000 }
        defer { Task { await server.stop() } }
        let session = try await server.signUp("owner", password: "run the crowd 2026")
        let store = try server.store()

        // Without the role: refused. A bad scenario: the key and the reason.
        #expect(try await post(server, token: session.token, body: Self.scenario).0 == 403)
        try await store.setRole(account: session.accountId, space: "testland/plaza", role: .owner)
        let bad = try await post(server, token: session.token, body: Self.scenario + "\nspeed_of_light = 3")
        #expect(bad.0 == 422 && bad.1.contains("speed_of_light"))
        let outside = try await post(
            server, token: session.token,
            body: Self.scenario.replacingOccurrences(of: "40 40, 2 40", with: "40 140, 2 140"))
        #expect(outside.0 == 422 && outside.1.contains("outside"))

        // A visitor stands in the crowd's way, between the crowd and its exit.
        let visitor = try await server.guest("Visitor")
        for _ in 0..<120 {
            visitor.move(x: 11, y: 30, animation: .run)
            try await Task.sleep(for: .milliseconds(50))
            if visitor.read({ abs($0.view.selfX - 11) < 0.1 && abs($0.view.selfY - 30) < 0.1 }) { break }
        }
        let started = try await post(server, token: session.token, body: Self.scenario)
        #expect(started.0 == 201, "\(started.1)")
        #expect(
            await visitor.waitUntil(timeoutS: 5) { state in
                state.view.entities.values.filter { $0.flags & EntityEnter.flagSimulated != 0 }.count >= 40
            }, "digital humans appear, flagged as simulated")
        var closest = Float.infinity
        for _ in 0..<120 {
            try await Task.sleep(for: .milliseconds(50))
            visitor.move(x: 11, y: 30, animation: .idle)
            closest = min(
                closest,
                visitor.read { state in
                    state.view.entities.values.filter { $0.flags & EntityEnter.flagSimulated != 0 }.map { e in
                        ((e.x - state.view.selfX) * (e.x - state.view.selfX) + (e.y - state.view.selfY)
                            * (e.y - state.view.selfY))
                            .squareRoot()
                    }.min() ?? .infinity
                })
        }
        #expect(closest > 0.3, "digital humans keep off the avatar: closest \(closest) m")
        #expect(closest < 1.5, "and they did walk up to it: closest \(closest) m")
        visitor.requestPresence()
        #expect(await visitor.waitUntil(timeoutS: 3) { $0.presence != nil })
        #expect(visitor.snapshot.presenceTotal == 1, "presence lists people only")

        struct Listing: Decodable {
            struct Item: Decodable {
                struct State: Decodable {
                    let id: String
                    let agents: Int
                }
                let state: State
                let running: Bool
            }
            let simulations: [Item]
        }
        let listing = try JSONDecoder().decode(
            Listing.self, from: try await server.api.call("GET", "/api/v1/spaces/testland/plaza/simulations"))
        let id = try #require(listing.simulations.first?.state.id)
        try await Task.sleep(for: .milliseconds(1200))
        let density = String(
            decoding: try await server.api.call("GET", "/api/v1/spaces/testland/plaza/simulations/\(id)"), as: UTF8.self
        )
        #expect(density.contains("personsPerM2"), "the density overlay is published")

        var owner = server.api
        owner.token = session.token
        _ = try await owner.call("DELETE", "/api/v1/spaces/testland/plaza/simulations/\(id)")
        #expect(
            await visitor.waitUntil(timeoutS: 3) { state in
                !state.view.entities.values.contains { $0.flags & EntityEnter.flagSimulated != 0 }
            }, "stopping removes them")
    }
}

extension LiveCrowdTests {
    @Test func aCrowdAlertReachesTheSpacesModeratorsOnly() async throws {
        let server = try await TestServer.start { $0.passwordIterations = 1000 }
        defer { Task { await server.stop() } }
        let session = try await server.signUp("owner", password: "run the crowd 2026")
        let store = try server.store()
        try await store.setRole(account: session.accountId, space: "testland/plaza", role: .owner)
        var api = server.api
        api.token = session.token
        let persona = try await api.createPersona(name: "Planner")
        let planner = try await Avatar.connect(url: server.connectURL, token: session.token)
        planner.join(space: "testland/plaza", personaId: persona.id)
        #expect(await planner.waitUntil(timeoutS: 5) { $0.view.snapshots > 0 })
        // A moderator of the plaza who stands in the hall is told too: alerts follow the person. The
        // owner gives the role while the warden is already connected: it counts at once.
        let away = try await server.signUp("warden", password: "watch the plaza 2026")
        var awayAPI = server.api
        awayAPI.token = away.token
        let awayPersona = try await awayAPI.createPersona(name: "Warden")
        let warden = try await Avatar.connect(url: server.connectURL, token: away.token)
        warden.join(space: "testland/hall", personaId: awayPersona.id)
        #expect(await warden.waitUntil(timeoutS: 5) { $0.view.space == "testland/hall" && $0.view.snapshots > 0 })
        struct Grant: Encodable {
            let personaId: Int64
            let space: String
            let role: String
        }
        _ = try await api.call(
            "PUT", "/api/v1/moderation/roles",
            body: Grant(personaId: awayPersona.id, space: "testland/plaza", role: "moderator"))
        let visitor = try await server.guest("Visitor")
        // A packed group (about 2 persons/m²) and a low alert level: the alert comes within seconds.
        let dense = Self.scenario.replacingOccurrences(
            of: "[run]", with: "[alerts]\ndensity = 1.0\nduration = 1\n[run]")
        #expect(try await post(server, token: session.token, body: dense).0 == 201)
        #expect(
            await planner.waitUntil(timeoutS: 8) { state in
                state.notices.contains { $0.kind == .moderation && $0.text.contains("Crowd alert") }
            }, "the planner moderates the plaza and is told")
        #expect(
            await warden.waitUntil(timeoutS: 3) { state in
                state.notices.contains { $0.kind == .moderation && $0.text.contains("Crowd alert") }
            }, "so is the plaza's moderator in the hall")
        #expect(!visitor.snapshot.notices.contains { $0.text.contains("Crowd alert") }, "a visitor is not")
    }
}
