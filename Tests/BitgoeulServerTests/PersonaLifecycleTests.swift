import BitgoeulClient
import BitgoeulServer
import Testing
import Wire
import WorldModel

/// What happens to an avatar when its persona changes under it.
@Suite struct PersonaLifecycleTests {
    @Test func aDeletedPersonaLeavesItsSpaceAtOnce() async throws {
        let server = try await TestServer.start { $0.passwordIterations = 1000 }
        defer { Task { await server.stop() } }
        let session = try await server.signUp("mina", password: "a persona to let go 2026")
        var api = server.api
        api.token = session.token
        let persona = try await api.createPersona(name: "Mina")
        let avatar = try await Avatar.connect(url: server.connectURL, token: session.token)
        avatar.join(space: "testland/plaza", personaId: persona.id)
        #expect(await avatar.waitUntil(timeoutS: 5) { $0.view.space == "testland/plaza" && $0.view.snapshots > 0 })
        _ = try await api.call("DELETE", "/api/v1/personas/\(persona.id)")
        #expect(
            await avatar.waitUntil(timeoutS: 2) { state in
                state.view.space == nil && state.notices.contains { $0.text == "this persona was deleted" }
            }, "out of the plaza, and told why")
        #expect(avatar.snapshot.closed == nil, "the connection stays, to choose another persona")
    }
}
