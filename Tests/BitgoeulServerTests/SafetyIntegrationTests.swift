import BitgoeulClient
import BitgoeulServer
import Clocks
import Foundation
import Privacy
import Storage
import StorageSQLite
import Testing
import Wire
import WorldModel

/// Adversarial SDK clients against a live server: blocks across personas, reports with evidence,
/// moderation with and without the role, kicks, floods and chat filters.
@Suite struct SafetyIntegrationTests {
    /// A signed-in account with personas, able to connect as any of them.
    static func fastServer(_ configure: @escaping (inout ServerConfig) -> Void = { _ in }) async throws -> TestServer {
        try await TestServer.fast(configure)
    }

    func entityId(of name: String, seenBy avatar: Avatar) async -> UInt32? {
        guard await avatar.waitUntil(timeoutS: 3, { $0.view.entity(named: name) != nil }) else { return nil }
        return avatar.read { $0.view.entity(named: name)?.id }
    }

    @Test func aBlockFollowsTheAccountAcrossItsPersonas() async throws {
        let server = try await Self.fastServer()
        defer { Task { await server.stop() } }
        let alice = try await citizen(server, "alice", personas: ["Alice"])
        let bob = try await citizen(server, "bob", personas: ["Bob", "Bobby Second"])
        let a = try await alice.enter(server)
        var b = try await bob.enter(server)
        let bobId = try #require(await entityId(of: "Bob", seenBy: a))
        #expect(await entityId(of: "Alice", seenBy: b) != nil)

        a.relate(.block, entityId: bobId)
        #expect(await a.waitUntil(timeoutS: 3) { $0.view.entity(named: "Bob") == nil }, "Bob vanishes for Alice")
        #expect(await b.waitUntil(timeoutS: 3) { $0.view.entity(named: "Alice") == nil }, "and Alice for Bob")
        a.relate(.block, entityId: bobId)
        #expect(
            await a.waitUntil(timeoutS: 3) { $0.notices.filter { $0.text.contains("you blocked Bob") }.count == 2 },
            "blocking twice answers as the first time (no answer may link personas)")
        #expect(a.snapshot.errors.isEmpty)

        // Bob comes back as another persona: still invisible and unheard, both ways.
        b.close()
        b = try await bob.enter(server, persona: 1)
        b.say("can you hear me now?", scope: .space)
        b.requestPresence()
        a.requestPresence()
        try await Task.sleep(for: .milliseconds(800))
        // On a loaded machine the presence answers may take longer than the chat's grace period.
        #expect(await a.waitUntil(timeoutS: 5) { $0.presence != nil })
        #expect(await b.waitUntil(timeoutS: 5) { $0.presence != nil })
        #expect(a.snapshot.view.entity(named: "Bobby Second") == nil)
        #expect(!a.snapshot.chat.contains { $0.text.contains("hear me") })
        #expect(a.snapshot.presence?.contains { $0.name == "Bobby Second" } == false)
        #expect(b.snapshot.view.entity(named: "Alice") == nil)
        #expect(b.snapshot.presence?.contains { $0.name == "Alice" } == false)

        // Alice lists the block under the name she blocked, and undoes it.
        struct Entries: Decodable {
            struct Entry: Decodable {
                let id: Int64
                let name: String
            }
            let items: [Entry]
        }
        let blocks = try JSONDecoder().decode(Entries.self, from: try await alice.api.call("GET", "/api/v1/blocks"))
        #expect(blocks.items.map(\.name) == ["Bob"], "never reveals Bob's other persona")
        _ = try await alice.api.call("DELETE", "/api/v1/blocks/\(blocks.items[0].id)")
        #expect(await a.waitUntil(timeoutS: 3) { $0.view.entity(named: "Bobby Second") != nil }, "visible again")
        await #expect(throws: BitgoeulAPI.Failure.self) {
            _ = try await alice.api.call("DELETE", "/api/v1/blocks/\(blocks.items[0].id)")
        }
    }

    @Test func aReportCarriesEvidenceAndAModeratorActsOnIt() async throws {
        let server = try await Self.fastServer()
        defer { Task { await server.stop() } }
        let alice = try await citizen(server, "alice", personas: ["Alice"])
        let bob = try await citizen(server, "bob", personas: ["Bob"])
        let mod = try await citizen(server, "moderator", personas: ["Mod"])
        let store = try server.store()
        try await store.setRole(account: mod.accountId, space: "testland/plaza", role: .moderator)

        let a = try await alice.enter(server)
        let b = try await bob.enter(server)
        let bobId = try #require(await entityId(of: "Bob", seenBy: a))
        let aliceId = try #require(await entityId(of: "Alice", seenBy: b))
        b.say("give me your password or else", scope: .space)
        #expect(await a.waitUntil(timeoutS: 3) { $0.chat.contains { $0.text.contains("password") } })

        #expect(aliceId != bobId)
        a.report(entityId: a.read { $0.view.selfId ?? 0 }, category: 0)
        #expect(await a.waitUntil(timeoutS: 3) { $0.errors.contains { $0.message.contains("yourself") } })
        a.report(entityId: bobId, category: 9)
        #expect(await a.waitUntil(timeoutS: 3) { $0.errors.contains { $0.code == .invalidValue } })
        a.report(entityId: bobId, category: 1, note: "threatening me")
        #expect(await a.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("received") } })

        // Without the role: refused, and nothing changes.
        await #expect(throws: BitgoeulAPI.Failure.self) {
            _ = try await alice.api.call("GET", "/api/v1/moderation/reports")
        }
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
                let reportedName: String
                let evidence: Evidence?
                let hasEvidence: Bool
            }
            let reports: [Item]
        }
        let queue = try JSONDecoder().decode(
            Reports.self, from: try await mod.api.call("GET", "/api/v1/moderation/reports"))
        let listed = try #require(queue.reports.first)
        #expect(listed.reportedName == "Bob")
        #expect(listed.hasEvidence && listed.evidence == nil, "the queue shows no evidence; opening it is logged")
        let report = try JSONDecoder().decode(
            Reports.Item.self, from: try await mod.api.call("GET", "/api/v1/moderation/reports/\(listed.id)"))
        #expect(report.evidence?.chat.contains { $0.who == "reported" && $0.text.contains("password") } == true)

        struct ActionBody: Encodable {
            let reportId: Int64
            let kind: String
            let reason: String
        }
        await #expect(throws: BitgoeulAPI.Failure.self, "a visitor cannot moderate") {
            _ = try await alice.api.call(
                "POST", "/api/v1/moderation/actions", body: ActionBody(reportId: report.id, kind: "kick", reason: "x"))
        }
        _ = try await mod.api.call(
            "POST", "/api/v1/moderation/actions",
            body: ActionBody(reportId: report.id, kind: "kick", reason: "threats in chat"))
        #expect(await b.waitUntil(timeoutS: 3) { $0.notices.contains { $0.kind == .moderation } })
        #expect(await a.waitUntil(timeoutS: 3) { $0.view.entity(named: "Bob") == nil }, "Bob is out")
        #expect(await a.waitUntil(timeoutS: 3) { $0.notices.contains { $0.kind == .reportOutcome } })

        // Bob cannot come back within the hour, but may go elsewhere.
        b.join(space: "testland/plaza", personaId: bob.personas[0].id)
        #expect(await b.waitUntil(timeoutS: 3) { $0.errors.contains { $0.code == .sanctioned } })
        let again = try await Avatar.connect(url: server.connectURL, token: bob.api.token)
        again.join(space: "testland/plaza", personaId: bob.personas[0].id)
        #expect(await again.waitUntil(timeoutS: 3) { $0.errors.contains { $0.code == .sanctioned } })
        again.join(space: "testland/hall", personaId: bob.personas[0].id)
        #expect(await again.waitUntil(timeoutS: 3) { $0.view.space == "testland/hall" })

        // Both are told durably; the action is on record for Bob with who, when and why.
        let filed = String(decoding: try await alice.api.call("GET", "/api/v1/reports"), as: UTF8.self)
        #expect(filed.contains("\"resolved\"") && filed.contains("kick"))
        let aboutBob = String(decoding: try await bob.api.call("GET", "/api/v1/moderation/about-me"), as: UTF8.self)
        #expect(aboutBob.contains("threats in chat") && aboutBob.contains("\"moderator\""))
        // The look at the evidence and the kick are in the transparency log, each with a proof.
        let bobLog = try await bob.api.accessLog().map(\.entry.kind)
        #expect(bobLog == [.evidenceOpened, .moderationAction])
        #expect(try await alice.api.accessLog().map(\.entry.kind) == [.evidenceOpened])
        #expect(try await mod.api.accessLog().map(\.entry.kind).isEmpty)
        // The evidence lived in memory only: gone once the report is closed, and never on disk.
        let closed = String(
            decoding: try await mod.api.call("GET", "/api/v1/moderation/reports/\(report.id)"), as: UTF8.self)
        #expect(!closed.contains("password"))
        for file in ["bitgoeul.sqlite", "bitgoeul.sqlite-wal"] {
            let url = server.dataDirectory.appendingPathComponent(file)
            let bytes = (try? Data(contentsOf: url)) ?? Data()
            #expect(bytes.range(of: Data("give me your password".utf8)) == nil, "\(file) holds no chat")
        }
        // Acting twice on a closed report is refused.
        await #expect(throws: BitgoeulAPI.Failure.self) {
            _ = try await mod.api.call(
                "POST", "/api/v1/moderation/actions",
                body: ActionBody(reportId: report.id, kind: "warn", reason: "again"))
        }
    }

    @Test func aBanEndsEveryConnectionOfTheAccountAtOnce() async throws {
        let server = try await Self.fastServer()
        defer { Task { await server.stop() } }
        let alice = try await citizen(server, "alice", personas: ["Alice"])
        let bob = try await citizen(server, "bob", personas: ["Bob"])
        let mod = try await citizen(server, "mod", personas: ["Modder"])
        try await server.store().setRole(account: mod.accountId, space: "*", role: .moderator)
        let a = try await alice.enter(server)
        let b = try await bob.enter(server)
        let idle = try await Avatar.connect(url: server.connectURL, token: bob.api.token)  // in no space
        let bobId = try #require(await entityId(of: "Bob", seenBy: a))
        a.report(entityId: bobId, category: 1, note: "spam")
        #expect(await a.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("report #") } })
        try await mod.act(on: try #require(try await mod.openReports().first?.id), "ban", reason: "repeated spam")
        for c in [b, idle] {
            #expect(await c.waitUntil(timeoutS: 3) { $0.closed != nil })
            #expect(c.snapshot.closed?.code == CloseCode.accountEnded)
            #expect(c.snapshot.closed?.reason?.contains("banned") == true)
        }
        #expect(await a.waitUntil(timeoutS: 3) { $0.view.entity(named: "Bob") == nil })
        // The notice waits for him; a new connection cannot enter anywhere.
        let back = try await Avatar.connect(url: server.connectURL, token: bob.api.token)
        back.join(space: "testland/hall", personaId: bob.personas[0].id)
        #expect(await back.waitUntil(timeoutS: 3) { $0.errors.contains { $0.code == .sanctioned } })
        let notices = String(decoding: try await bob.api.call("GET", "/api/v1/notices"), as: UTF8.self)
        #expect(notices.contains("banned your account: repeated spam"))
    }

    @Test func muteSilencesOneListenerAndFriendsAreMutual() async throws {
        let server = try await Self.fastServer()
        defer { Task { await server.stop() } }
        let alice = try await citizen(server, "alice", personas: ["Alice"])
        let bob = try await citizen(server, "bob", personas: ["Bob"])
        let a = try await alice.enter(server)
        let b = try await bob.enter(server)
        let carol = try await server.guest("Carol")
        let bobId = try #require(await entityId(of: "Bob", seenBy: a))
        let aliceId = try #require(await entityId(of: "Alice", seenBy: b))

        a.relate(.mute, entityId: bobId)
        #expect(await a.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("muted Bob") } })
        b.say("first line", scope: .space)
        #expect(await carol.waitUntil(timeoutS: 3) { $0.chat.contains { $0.text == "first line" } })
        try await Task.sleep(for: .milliseconds(200))
        #expect(!a.snapshot.chat.contains { $0.text == "first line" }, "muted: Alice does not get it")
        #expect(a.snapshot.view.entity(named: "Bob") != nil, "a mute does not hide the avatar")
        a.relate(.unmute, entityId: bobId)
        #expect(await a.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("unmuted Bob") } })
        b.say("second line", scope: .space)
        #expect(await a.waitUntil(timeoutS: 3) { $0.chat.contains { $0.text == "second line" } })

        // Friendship: a request, a notice to the other side, then mutual acceptance.
        a.relate(.friend, entityId: bobId)
        #expect(await b.waitUntil(timeoutS: 3) { $0.notices.contains { $0.kind == .friendRequest } })
        a.relate(.friend, entityId: bobId)
        #expect(
            await a.waitUntil(timeoutS: 3) { $0.notices.filter { $0.text.contains("request sent to Bob") }.count == 2 },
            "asking twice answers as the first time")
        try await Task.sleep(for: .milliseconds(200))
        #expect(b.snapshot.notices.filter { $0.kind == .friendRequest }.count == 1, "and Bob is not pinged again")
        b.relate(.friend, entityId: aliceId)
        #expect(await b.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("friends now") } })
        #expect(await a.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("friends now") } })
        let friends = String(decoding: try await alice.api.call("GET", "/api/v1/friends"), as: UTF8.self)
        #expect(friends.contains("Bob"))
        // Guests cannot be friends: nothing to hold the friendship.
        let carolId = try #require(await entityId(of: "Carol", seenBy: a))
        a.relate(.friend, entityId: carolId)
        #expect(await a.waitUntil(timeoutS: 3) { $0.errors.contains { $0.code == .notAllowed } })
    }

    @Test func limitsApplyPerAccountAcrossConnections() async throws {
        // Time stands still, so no bucket refills however slowly a loaded machine delivers the lines.
        let frozen = ManualClock(at: Date())
        let server = try await Self.fastServer { $0.clock = frozen.clock }
        defer { Task { await server.stop() } }
        let spammer = try await citizen(server, "spammer", personas: ["Spam One", "Spam Two"])
        let one = try await spammer.enter(server, persona: 0)
        let two = try await spammer.enter(server, persona: 1)
        // Each connection may burst 5 lines, but the account only 8 in all.
        for i in 0..<5 {
            one.say("one \(i)", scope: .space)
            two.say("two \(i)", scope: .space)
        }
        try await Task.sleep(for: .milliseconds(500))
        let refused = one.snapshot.errors.count + two.snapshot.errors.count
        #expect(refused == 2, "10 lines, 8 allowed: \(refused) refused")
        // Four connections at most.
        var extra: [Avatar] = []
        for _ in 0..<2 { extra.append(try await Avatar.connect(url: server.connectURL, token: spammer.api.token)) }
        await #expect(throws: Avatar.ConnectFailure.self) {
            _ = try await Avatar.connect(url: server.connectURL, token: spammer.api.token)
        }
    }

    @Test func anAccountExportsEverythingStoredAboutIt() async throws {
        let server = try await Self.fastServer()
        defer { Task { await server.stop() } }
        let alice = try await citizen(server, "alice", personas: ["Alice", "Alice Two"])
        let bob = try await citizen(server, "bob", personas: ["Bob"])
        let a = try await alice.enter(server)
        _ = try await bob.enter(server)
        let bobId = try #require(await entityId(of: "Bob", seenBy: a))
        a.relate(.mute, entityId: bobId)
        #expect(await a.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("muted Bob") } })
        let export = String(decoding: try await alice.api.call("GET", "/api/v1/me/export"), as: UTF8.self)
        #expect(export.contains("\"username\":\"alice\"") && export.contains("Alice Two"))
        #expect(export.contains("\"mutes\":[{") && export.contains("Bob"))
        #expect(!export.contains("bob\""), "nothing of Bob's account but the persona name Alice acted on")
        await #expect(throws: BitgoeulAPI.Failure.self, "signed-in only") {
            _ = try await server.api.call("GET", "/api/v1/me/export")
        }
    }

    @Test func aReportFloodIsThrottled() async throws {
        let server = try await Self.fastServer()
        defer { Task { await server.stop() } }
        let alice = try await citizen(server, "alice", personas: ["Alice"])
        let a = try await alice.enter(server)
        let troll = try await server.guest("Troll")
        let trollId = try #require(await entityId(of: "Troll", seenBy: a))
        _ = troll
        for _ in 0..<6 { a.report(entityId: trollId, category: 3) }
        #expect(await a.waitUntil(timeoutS: 5) { $0.errors.contains { $0.code == .rateLimited } })
        try await Task.sleep(for: .milliseconds(300))
        #expect(a.snapshot.notices.filter { $0.text.contains("received") }.count == 3, "the burst of three, no more")
    }

    @Test func chatIsMaskedAndYoungPersonasCannotPostLinks() async throws {
        let server = try await Self.fastServer()
        defer { Task { await server.stop() } }
        let speaker = try await server.guest("Speaker")
        let listener = try await server.guest("Listener")
        speaker.say("what the FUCK, 씨발", scope: .space)
        #expect(await listener.waitUntil(timeoutS: 3) { $0.chat.contains { $0.text == "what the ****, **" } })
        speaker.say("great deals at www.example.com", scope: .space)
        #expect(await speaker.waitUntil(timeoutS: 3) { $0.errors.contains { $0.code == .notAllowed } })
        try await Task.sleep(for: .milliseconds(200))
        #expect(!listener.snapshot.chat.contains { $0.text.contains("example") })
    }

    @Test func theBoundaryHoldsAgainstAWalkingBot() async throws {
        let server = try await Self.fastServer()
        defer { Task { await server.stop() } }
        let victim = try await server.guest("Victim")
        let bot = try await server.guest("Walker")
        let (tx, ty) = victim.read { ($0.view.selfX, $0.view.selfY) }
        var closest = Float.infinity
        for _ in 0..<80 {
            bot.move(x: tx, y: ty, animation: .run)
            try await Task.sleep(for: .milliseconds(50))
            let (x, y) = bot.read { ($0.view.selfX, $0.view.selfY) }
            closest = min(closest, ((x - tx) * (x - tx) + (y - ty) * (y - ty)).squareRoot())
        }
        #expect(closest >= 1.19, "the walker came within \(closest) m")
        #expect(closest < 2.5, "and did reach the edge")
    }
}
