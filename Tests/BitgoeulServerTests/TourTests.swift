import BitgoeulClient
import BitgoeulServer
import Foundation
import Storage
import StorageSQLite
import Testing
import Wire
import WorldModel

/// A guided group tour with SDK clients: the followers end at each stop; one who leaves stops following.
@Suite struct TourTests {
    func distance(_ a: Avatar, _ b: Avatar) -> Float {
        let p = a.read { ($0.view.selfX, $0.view.selfY) }
        let q = b.read { ($0.view.selfX, $0.view.selfY) }
        return ((p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1)).squareRoot()
    }

    /// Polls until `a` is within `metres` of `b` (true) or `timeoutS` passes (false).
    func close(_ a: Avatar, _ b: Avatar, within metres: Float, timeoutS: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(timeoutS)
        while Date() < deadline {
            if distance(a, b) < metres { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return distance(a, b) < metres
    }

    /// Walks `guide` to (x, y) at a run and waits until it is there.
    func walk(_ guide: Avatar, to x: Float, _ y: Float) async throws {
        for _ in 0..<300 {
            guide.move(x: x, y: y, animation: .run)
            try await Task.sleep(for: .milliseconds(50))
            if guide.read({ abs($0.view.selfX - x) < 0.3 && abs($0.view.selfY - y) < 0.3 }) { return }
        }
        throw TestFailure("the guide did not reach (\(x), \(y))")
    }

    @Test func followersEndAtEachStopAndOneWhoLeavesStaysBehind() async throws {
        let server = try await TestServer.start { $0.passwordIterations = 1000 }
        defer { Task { await server.stop() } }
        let session = try await server.signUp("docent", password: "guide them well 2026")
        let store = try server.store()
        try await store.setRole(account: session.accountId, space: "testland/plaza", role: .docent)
        var api = server.api
        api.token = session.token
        let persona = try await api.createPersona(name: "Docent Kim")
        let guide = try await Avatar.connect(url: server.connectURL, token: session.token)
        guide.join(space: "testland/plaza", personaId: persona.id)
        #expect(await guide.waitUntil(timeoutS: 5) { $0.view.snapshots > 0 })
        let one = try await server.guest("Visitor One")
        let two = try await server.guest("Visitor Two")
        let guideId = try #require(guide.read { $0.view.selfId })

        one.tour(.start)
        #expect(
            await one.waitUntil(timeoutS: 3) { $0.errors.contains { $0.code == .notAllowed } }, "guests do not guide")
        guide.tour(.start)
        #expect(await guide.waitUntil(timeoutS: 3) { $0.notices.contains { $0.kind == .tour && $0.text == "started" } })
        one.tour(.join, guide: guideId)
        two.tour(.join, guide: guideId)
        #expect(await two.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text == "joined" } })

        try await walk(guide, to: 10, 40)
        #expect(await close(one, guide, within: 3), "one is at the first stop")
        #expect(await close(two, guide, within: 3), "two is at the first stop")
        guide.announceStop("T07303")
        guide.say("여기는 첫 번째 작품입니다", scope: .tour)
        #expect(await one.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text == "stop:T07303" } })
        #expect(await two.waitUntil(timeoutS: 3) { $0.chat.contains { $0.scope == .tour } }, "the speakerphone")

        two.tour(.leave)
        #expect(await two.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text == "left" } })
        try await walk(guide, to: 40, 40)
        #expect(await close(one, guide, within: 3), "one follows on")
        #expect(distance(two, guide) > 20, "two stayed at the first stop")

        guide.tour(.leave)
        #expect(await one.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text == "ended" } })
    }
}

extension TourTests {
    @Test func theNPCDocentWalksItsTourAndAVisitorFollows() async throws {
        let server = try await TestServer.start(world: ExhibitionTests.gwangju) { config in
            config.passwordIterations = 1000
            config.catalogueFile = TestServer.repoRoot.appendingPathComponent(
                "worlds/catalogue/tate-media-and-korean-artworks-cc0.json")
        }
        defer { Task { await server.stop() } }
        let session = try await server.signUp("docent", password: "guide them well 2026")
        let visitor = try await server.guest("Visitor", space: "gwangju/bitgoeul-art-space")
        struct Start: Encodable {
            let interests: String
            let budgetS: Double
            let dwellS: Double
        }
        var api = server.api
        api.token = session.token
        await #expect(throws: BitgoeulAPI.Failure.self, "only docents send the NPC") {
            _ = try await api.call(
                "POST", "/api/v1/spaces/gwangju/bitgoeul-art-space/tours",
                body: Start(interests: "Lee Ufan", budgetS: 300, dwellS: 5))
        }
        let store = try server.store()
        try await store.setRole(account: session.accountId, space: "gwangju/bitgoeul-art-space", role: .docent)
        _ = try await api.call(
            "POST", "/api/v1/spaces/gwangju/bitgoeul-art-space/tours",
            body: Start(interests: "이우환", budgetS: 300, dwellS: 5))
        #expect(
            await visitor.waitUntil(timeoutS: 3) { $0.notices.contains { $0.kind == .tour && $0.text == "started" } })
        let guideId = try #require(visitor.read { $0.notices.first { $0.text == "started" }?.entityId })
        visitor.tour(.join, guide: guideId)
        // The NPC walks to Lee Ufan's works and announces each; the visitor hears it there.
        #expect(
            await visitor.waitUntil(timeoutS: 45) { state in
                state.notices.filter { $0.text.hasPrefix("stop:") }.count >= 2
            }, "two stops announced")
        let stops = visitor.read { $0.notices.filter { $0.text.hasPrefix("stop:") }.map(\.text) }
        #expect(stops.allSatisfy { ["stop:T07301", "stop:T07302", "stop:T07303"].contains($0) }, "\(stops)")
        let guide = try #require(visitor.read { $0.view.entities[guideId] })
        let (vx, vy) = visitor.read { ($0.view.selfX, $0.view.selfY) }
        #expect(
            ((guide.x - vx) * (guide.x - vx) + (guide.y - vy) * (guide.y - vy)).squareRoot() < 4,
            "the visitor is with the guide")
    }
}
