import BitgoeulClient
import BitgoeulServer
import Foundation
import Testing
import Wire
import WorldModel

/// A review in code: an observer tries to tell that Mina and Sora are personas of one account
/// through every public surface — HTTP answers, the world's messages, relate answers and the
/// timing of a persona switch — and finds nothing beyond what the two personas chose to show.
@Suite struct UnlinkabilityTests {
    @Test func noPublicAnswerLinksTwoPersonasOfOneAccount() async throws {
        let server = try await TestServer.fast { $0.personaSwitchDelayS = 1.0...1.5 }
        defer { Task { await server.stop() } }
        let mina = try await citizen(server, "mina", personas: ["Mina", "Sora"])
        let other = try await citizen(server, "other", personas: ["Haneul"])
        let obs = try await citizen(server, "obs", personas: ["Observer"])

        // HTTP: someone else's persona ids answer exactly like ids that do not exist.
        func answer(_ method: String, _ path: String) async -> String {
            do {
                struct Body: Encodable {
                    let name = "Probe"
                    let appearance = Appearance.standard
                }
                return "ok " + String(decoding: try await obs.api.call(method, path, body: Body()), as: UTF8.self)
            } catch let f as BitgoeulAPI.Failure {
                return "\(f.status) \(f.code) \(f.message)"
            } catch { return "\(error)" }
        }
        for method in ["PUT", "DELETE"] {
            let answers = Set([
                await answer(method, "/api/v1/personas/\(mina.personas[0].id)"),
                await answer(method, "/api/v1/personas/\(mina.personas[1].id)"),
                await answer(method, "/api/v1/personas/\(other.personas[0].id)"),
                await answer(method, "/api/v1/personas/999999"),
            ])
            #expect(answers.count == 1, "\(method) answers differ: \(answers)")
        }

        // In the world: both personas at once show only what each chose (name, look).
        let o = try await obs.enter(server)
        let m1 = try await mina.enter(server, persona: 0)
        let m2 = try await mina.enter(server, persona: 1)
        let h = try await other.enter(server)
        _ = h
        guard
            await o.waitUntil(
                timeoutS: 3, { v in ["Mina", "Sora", "Haneul"].allSatisfy { v.view.entity(named: $0) != nil } })
        else { throw TestFailure("the observer did not see everyone") }
        let seen = o.read { v in ["Mina", "Sora", "Haneul"].compactMap { v.view.entity(named: $0) } }
        #expect(Set(seen.map(\.id)).count == 3)
        #expect(Set(seen.map(\.flags)).count == 1, "flags are the same for any signed-in persona")
        o.requestPresence()
        #expect(await o.waitUntil(timeoutS: 3) { ($0.presence?.count ?? 0) >= 4 })

        // Joining with someone else's persona fails like joining with one that does not exist.
        let probe = try await Avatar.connect(url: server.connectURL, token: obs.api.token)
        probe.join(space: "testland/hall", personaId: mina.personas[1].id)
        probe.join(space: "testland/hall", personaId: 999_999)
        #expect(await probe.waitUntil(timeoutS: 3) { $0.errors.count >= 2 })
        let refusals = probe.read {
            $0.errors.map {
                "\($0.code) "
                    + $0.message.replacingOccurrences(of: "\(mina.personas[1].id)", with: "N").replacingOccurrences(
                        of: "999999", with: "N")
            }
        }
        #expect(Set(refusals).count == 1, "\(refusals)")

        // Relate answers: muting or befriending the second persona answers like the first.
        let minaId = try #require(seen.first { $0.name == "Mina" }?.id)
        let soraId = try #require(seen.first { $0.name == "Sora" }?.id)
        o.relate(.mute, entityId: minaId)
        o.relate(.mute, entityId: soraId)
        o.relate(.friend, entityId: minaId)
        try await Task.sleep(for: .milliseconds(400))
        o.relate(.friend, entityId: soraId)
        #expect(await o.waitUntil(timeoutS: 3) { $0.notices.count >= 4 })
        let texts = o.read { $0.notices.map(\.text) }
        #expect(texts.contains("you muted Mina") && texts.contains("you muted Sora"))
        #expect(texts.contains("friend request sent to Mina") && texts.contains("friend request sent to Sora"))
        #expect(o.snapshot.errors.isEmpty, "no refusal tells the observer anything: \(o.snapshot.errors)")
        let friends = String(decoding: try await obs.api.call("GET", "/api/v1/friends"), as: UTF8.self)
        #expect(friends.contains("Mina") && !friends.lowercased().contains("account"))

        // A switch on one connection: Mina leaves and Sora enters, but not in the same moment.
        m2.close()
        #expect(await o.waitUntil(timeoutS: 3) { $0.view.entity(named: "Sora") == nil })
        m1.leave()
        let start = Date()
        while o.read({ $0.view.entity(named: "Mina") }) != nil && Date().timeIntervalSince(start) < 3 {
            try await Task.sleep(for: .milliseconds(5))
        }
        let gone = Date()
        m1.join(space: "testland/plaza", personaId: mina.personas[1].id)
        while o.read({ $0.view.entity(named: "Sora") }) == nil && Date().timeIntervalSince(gone) < 5 {
            try await Task.sleep(for: .milliseconds(5))
        }
        let gap = Date().timeIntervalSince(gone)
        #expect(gap >= 0.9 && gap < 5, "Sora appeared \(gap) s after Mina left")
    }
}
