import BitgoeulClient
import Foundation
import Testing
import Wire
import WorldModel

/// The real-time protocol against a live server with SDK clients.
///
/// In the test world `testland/plaza`, spawns are handed out in turn: (10,10), (14,10), (60,10),
/// (10,60), each with up to 1.5 m of jitter; a building stands at x 16...20, y 4...16.
@Suite struct LiveRealtimeTests {
    @Test func twoPersonasSeeEachOtherWithinOneSecond() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        try await server.api.register(username: "hana", password: "password one")
        let api = try await server.api.signIn(username: "hana", password: "password one")
        let persona = try await api.createPersona(
            name: "Hana", appearance: Appearance(bodyShape: .slim, primaryColor: 0xFF0000))

        let a = try await Avatar.connect(url: server.connectURL, token: api.token)
        #expect(a.snapshot.guest == false)
        a.join(space: "testland/plaza", personaId: persona.id)
        let b = try await server.guest("Duri")
        let start = Date()
        let aSeesB = await a.waitUntil(timeoutS: 1) { $0.view.entity(named: "Duri") != nil }
        let bSeesA = await b.waitUntil(timeoutS: 1) { $0.view.entity(named: "Hana") != nil }
        #expect(aSeesB && bSeesA, "both see each other")
        #expect(Date().timeIntervalSince(start) < 1.0)
        let hana = try #require(b.snapshot.view.entity(named: "Hana"))
        #expect(hana.appearance.bodyShape == .slim)
        #expect(hana.appearance.primaryColor == 0xFF0000)
        #expect(hana.flags & EntityEnter.flagGuest == 0)
        #expect((a.snapshot.view.entity(named: "Duri")?.flags ?? 0) & EntityEnter.flagGuest != 0)

        // Movement shows up on the other side.
        let from = a.snapshot.view
        a.move(x: from.selfX + 1, y: from.selfY, animation: .walk)
        #expect(
            await b.waitUntil(timeoutS: 2) { abs(($0.view.entity(named: "Hana")?.x ?? 0) - (from.selfX + 1)) < 0.05 })
        a.close()
        b.close()
    }

    @Test func proximityChatReachesOnlyThoseInRange() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let speaker = try await server.guest("Speaker")  // spawn (10,10)
        let near = try await server.guest("Near")  // spawn (14,10): 4 m away
        let far = try await server.guest("Far")  // spawn (60,10): 50 m away
        #expect(await far.waitUntil(timeoutS: 2) { $0.view.entity(named: "Speaker") != nil }, "far is within view")

        speaker.say("안녕하세요, 광주!")
        #expect(
            await near.waitUntil(timeoutS: 2) { $0.chat.contains { $0.text == "안녕하세요, 광주!" && $0.name == "Speaker" } })
        #expect(await speaker.waitUntil(timeoutS: 2) { !$0.chat.isEmpty }, "the speaker hears their own line")
        try await Task.sleep(for: .milliseconds(300))
        #expect(far.snapshot.chat.isEmpty, "50 m is out of the 20 m proximity range")

        speaker.say("to everyone", scope: .space)
        #expect(
            await far.waitUntil(timeoutS: 2) { $0.chat.contains { $0.text == "to everyone" && $0.scope == .space } })

        speaker.say(String(repeating: "가", count: 501))
        #expect(await speaker.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .textTooLong } })
        for c in [speaker, near, far] { c.close() }
    }

    @Test func teleportMovesThePersonaAndTheOldSpaceSeesItLeave() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let traveller = try await server.guest("Traveller")  // (10,10), within 5 m of the portal at (10,12)
        let watcher = try await server.guest("Watcher")
        #expect(await watcher.waitUntil(timeoutS: 2) { $0.view.entity(named: "Traveller") != nil })
        let travellerId = try #require(watcher.snapshot.view.entity(named: "Traveller")?.id)

        traveller.teleport(throughPortal: "to-hall")
        #expect(await traveller.waitUntil(timeoutS: 3) { $0.view.space == "testland/hall" })
        #expect(
            await watcher.waitUntil(timeoutS: 2) {
                $0.view.departed.contains(travellerId) && $0.view.entity(named: "Traveller") == nil
            })

        // Back by the menu; a portal out of reach is refused.
        traveller.teleport(toSpace: "testland/plaza")
        #expect(await traveller.waitUntil(timeoutS: 3) { $0.view.space == "testland/plaza" })
        #expect(await watcher.waitUntil(timeoutS: 2) { $0.view.entity(named: "Traveller") != nil })
        watcher.teleport(throughPortal: "to-hall")
        let far = try await server.guest("Faraway")  // (60,10)
        far.teleport(throughPortal: "to-hall")
        #expect(await far.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .notNearPortal } })
        far.teleport(toSpace: "testland/nowhere")
        #expect(await far.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .unknownSpace } })
        for c in [traveller, watcher, far] { c.close() }
    }

    @Test func aFullSpaceRefusesTeleportsAndJoins() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        _ = try await server.guest("First", space: "testland/hall")
        _ = try await server.guest("Second", space: "testland/hall")
        let third = try await server.guest("Third")
        third.teleport(toSpace: "testland/hall")
        #expect(await third.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .spaceFull } })
        #expect(third.snapshot.view.space == "testland/plaza", "refused teleports leave the avatar where it was")
    }

    @Test func walkingIntoABuildingIsStopped() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let walker = try await server.guest("Walker")  // near (10,10); the building's west wall is at x = 16
        let start = walker.snapshot.view
        walker.move(x: 30, y: start.selfY, animation: .run)
        try await Task.sleep(for: .seconds(2.5))
        let view = walker.snapshot.view
        #expect(view.selfX <= 16 - 0.2, "stopped at the wall, not inside: x = \(view.selfX)")
        #expect(view.selfX > 15, "but walked up to it: x = \(view.selfX)")
        #expect(abs(view.selfY - start.selfY) < 0.01)
        #expect(view.corrected, "the client is told its intent was clamped")
    }

    @Test func aSpeedHackIsClamped() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let cheat = try await server.guest("Cheat")
        let start = cheat.snapshot.view
        func moved(_ v: WorldView) -> Float {
            ((v.selfX - start.selfX) * (v.selfX - start.selfX) + (v.selfY - start.selfY) * (v.selfY - start.selfY))
                .squareRoot()
        }
        // Claims to be 40 m away at once, walking.
        let sent = Date()
        cheat.move(x: start.selfX, y: start.selfY + 40, animation: .walk)
        #expect(await cheat.waitUntil(timeoutS: 5) { moved($0.view) > 0.5 }, "it does move")
        try await Task.sleep(for: .seconds(1))
        let after = cheat.snapshot.view
        let elapsedS = Float(Date().timeIntervalSince(sent))
        // Walk is 1.4 m/s with 10 % tolerance plus a 0.25 s burst allowance; however slow the machine
        // (fewer ticks, less walking), never faster than that.
        #expect(moved(after) < 1.54 * elapsedS + 0.4, "moved \(moved(after)) m in \(elapsedS) s")
        #expect(moved(after) < 39, "nowhere near the 40 m it claimed")
        #expect(after.corrected)
    }

    @Test func aFlyingClientIsSeenOnTheGround() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let flyer = try await server.guest("Flyer")
        let watcher = try await server.guest("Watcher")
        #expect(await watcher.waitUntil(timeoutS: 2) { $0.view.entity(named: "Flyer") != nil })
        let start = flyer.snapshot.view
        // Claims 1000 m up while walking half a metre (the bounds allow 20 m).
        flyer.move(x: start.selfX + 0.5, y: start.selfY, z: 1000, animation: .walk)
        #expect(
            await watcher.waitUntil(timeoutS: 2) {
                abs(($0.view.entity(named: "Flyer")?.x ?? 0) - (start.selfX + 0.5)) < 0.05
            }, "the walk itself is shown")
        #expect(watcher.snapshot.view.entity(named: "Flyer")?.z == 0, "on the ground, not in the air")
        // Standing still does not lift it either.
        flyer.move(x: start.selfX + 0.5, y: start.selfY, z: 12, animation: .idle)
        try await Task.sleep(for: .milliseconds(300))
        #expect(watcher.snapshot.view.entity(named: "Flyer")?.z == 0)
        #expect(flyer.snapshot.view.selfZ == 0)
        #expect(flyer.snapshot.view.corrected, "the flyer's client is told")
        flyer.close()
        watcher.close()
    }

    @Test func badTokensAndVersionsAreRefusedWithReasons() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        do {
            _ = try await Avatar.connect(url: server.connectURL, token: "forged-token")
            Issue.record("a forged token was accepted")
        } catch let failure as Avatar.ConnectFailure {
            #expect(failure.code == CloseCode.unauthorized)
            #expect(failure.reason.contains("token"))
        }
        let raw = try await RealtimeConnection.connect(url: server.connectURL)
        raw.send(.hello(version: 99, token: ""))
        var closeCode: UInt16?
        for await event in raw.events { if case .closed(let code, _) = event { closeCode = code } }
        #expect(closeCode == CloseCode.versionUnsupported)

        let silent = try await RealtimeConnection.connect(url: server.connectURL)
        silent.send(.join(space: "testland/plaza", personaId: 1))
        var silentClose: UInt16?
        for await event in silent.events { if case .closed(let code, _) = event { silentClose = code } }
        #expect(silentClose == CloseCode.helloTimeout, "anything before hello is refused")

        let guest = try await Avatar.connect(url: server.connectURL, token: nil)
        guest.join(space: "testland/plaza", personaId: 1)
        #expect(await guest.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .unknownPersona } })
        guest.joinGuest(space: "testland/plaza", name: "x")
        #expect(await guest.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .badName } })
        guest.joinGuest(space: "testland/atlantis", name: "Valid Name")
        #expect(await guest.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .unknownSpace } })
        guest.move(x: 1, y: 1)
        #expect(await guest.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .notJoined } })
    }

    @Test func anotherAccountsPersonaCannotBeUsed() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        try await server.api.register(username: "owner", password: "password one")
        let owner = try await server.api.signIn(username: "owner", password: "password one")
        let persona = try await owner.createPersona(name: "Owned")
        try await server.api.register(username: "thief", password: "password two")
        let thief = try await server.api.signIn(username: "thief", password: "password two")
        let avatar = try await Avatar.connect(url: server.connectURL, token: thief.token)
        avatar.join(space: "testland/plaza", personaId: persona.id)
        #expect(await avatar.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .unknownPersona } })
        #expect(avatar.snapshot.view.space == nil)
    }

    @Test func presenceListsPersonasOnly() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let a = try await server.guest("Alpha")
        _ = try await server.guest("Beta")
        a.requestPresence()
        #expect(await a.waitUntil(timeoutS: 2) { $0.presence != nil })
        let names = Set(a.snapshot.presence?.map(\.name) ?? [])
        #expect(names == ["Alpha", "Beta"])
        #expect(a.snapshot.presenceTotal == 2)
    }
}
