import BitgoeulClient
import Foundation
import Testing
import Wire
import WorldModel

/// Three real nodes on one PostgreSQL: people on different nodes, redirects with tickets, refusals,
/// a crashed node and a drained one. Needs `BITGOEUL_TEST_PG` (make test starts a throwaway server).
@Suite(.serialized, .enabled(if: LiveCluster.postgresURL != nil, "needs BITGOEUL_TEST_PG"))
struct ClusterNodeTests {
    /// The node serving `space`, and one that does not.
    static func nodes(for space: String, in cluster: LiveCluster) async throws -> (serving: String, other: String) {
        let placements = try await cluster.placements(via: "a")
        let serving = try #require(placements[space])
        let other = try #require(cluster.nodes.keys.sorted().first { $0 != serving })
        return (serving, other)
    }

    @Test func aPersonaTeleportsToASpaceOnAnotherNodeAndIsSeenThere() async throws {
        try await LiveCluster.with(["a", "b", "c"]) { cluster in try await teleportAcrossNodes(cluster) }
    }

    func teleportAcrossNodes(_ cluster: LiveCluster) async throws {
        // The two spaces end up on two nodes (the first node to start gives one up); the third
        // serves neither and is the door everyone enters by.
        var placements: [String: String] = [:]
        try await LiveCluster.poll(timeoutS: 10, "the spaces were not shared out") {
            placements = (try? await cluster.placements(via: "a")) ?? [:]
            return Set(placements.values).count == 2 && !placements.values.contains("")
        }
        let plazaNode = try #require(placements["testland/plaza"])
        let hallNode = try #require(placements["testland/hall"])
        let door = try #require(cluster.nodes.keys.first { $0 != plazaNode && $0 != hallNode })

        // Both enter through the door; each is redirected to the node of the space.
        let mina = try await cluster.citizen("mina", persona: "Mina", via: door)
        let joon = try await cluster.citizen("joon", persona: "Joon", via: door)
        let inPlaza = try await Avatar.connect(url: cluster.node(door).connectURL, token: mina.api.token)
        inPlaza.join(space: "testland/plaza", personaId: mina.personas[0].id)
        let inHall = try await Avatar.connect(url: cluster.node(door).connectURL, token: joon.api.token)
        inHall.setBoundary(.everyone)
        inHall.join(space: "testland/hall", personaId: joon.personas[0].id)
        for (avatar, space) in [(inPlaza, "testland/plaza"), (inHall, "testland/hall")] {
            #expect(await avatar.waitUntil(timeoutS: 5) { $0.view.space == space && $0.view.snapshots > 0 })
        }
        #expect(inPlaza.snapshot.server == cluster.node(plazaNode).connectURL)
        #expect(inHall.snapshot.server == cluster.node(hallNode).connectURL)

        // On different nodes they neither see nor hear each other.
        inPlaza.say("anyone in the hall?", scope: .space)
        try await Task.sleep(for: .milliseconds(500))
        #expect(inHall.snapshot.chat.isEmpty && inHall.snapshot.view.entity(named: "Mina") == nil)

        // Mina teleports to the hall: a redirect, a handoff, and Joon sees her within 2 s.
        let before = Date()
        inPlaza.teleport(toSpace: "testland/hall")
        #expect(await inHall.waitUntil(timeoutS: 2) { $0.view.entity(named: "Mina") != nil }, "seen within 2 s")
        #expect(
            await inPlaza.waitUntil(timeoutS: 2) {
                $0.view.space == "testland/hall" && $0.view.entity(named: "Joon") != nil
            })
        #expect(Date().timeIntervalSince(before) < 2)
        #expect(inPlaza.snapshot.redirects == 2, "one on joining, one on teleporting")
        #expect(inPlaza.snapshot.server == cluster.node(hallNode).connectURL)
        inPlaza.say("hello Joon", scope: .space)
        #expect(await inHall.waitUntil(timeoutS: 2) { $0.chat.contains { $0.text == "hello Joon" } })
    }

    @Test func forgedReplayedAndWrongNodeTicketsAreRefused() async throws {
        try await LiveCluster.with(["a", "b", "c"]) { cluster in try await refuseTickets(cluster) }
    }

    func refuseTickets(_ cluster: LiveCluster) async throws {
        let (hallNode, _) = try await Self.nodes(for: "testland/hall", in: cluster)
        let wrong = try #require(cluster.nodes.keys.sorted().first { $0 != hallNode })
        // A raw connection asks to join the hall through the wrong node and keeps the ticket.
        let asker = try await RealtimeConnection.connect(url: cluster.node(wrong).connectURL)
        asker.send([
            .hello(version: WireFormat.version, token: ""),
            .joinGuest(space: "testland/hall", name: "Tester", appearance: .standard),
        ])
        let redirect = try await Self.redirect(of: asker)
        asker.close()

        func refusal(_ ticket: String, at node: String) async throws -> (UInt16?, String?) {
            let raw = try await RealtimeConnection.connect(url: cluster.node(node).connectURL)
            raw.send(.handoff(version: WireFormat.version, ticket: ticket))
            for await event in raw.events {
                if case .closed(let code, let reason) = event { return (code, reason) }
            }
            return (nil, nil)
        }
        var forged = Array(redirect.ticket)
        let i = forged.count / 3
        forged[i] = forged[i] == "A" ? "B" : "A"
        let (forgedCode, forgedReason) = try await refusal(String(forged), at: hallNode)
        #expect(forgedCode == CloseCode.ticketRefused)
        #expect(forgedReason?.contains("signature") == true || forgedReason?.contains("read") == true)
        let (wrongCode, wrongReason) = try await refusal(redirect.ticket, at: wrong)
        #expect(wrongCode == CloseCode.ticketRefused && wrongReason?.contains("is for") == true, "\(wrongReason ?? "")")

        // Used once it works (welcome, joined); used again it is refused.
        let first = try await RealtimeConnection.connect(url: redirect.url)
        first.send(.handoff(version: WireFormat.version, ticket: redirect.ticket))
        var joined = false
        for await event in first.events {
            if case .message(.joined(let info)) = event {
                joined = info.space == "testland/hall"
                break
            }
            if case .closed(let code, let reason) = event {
                Issue.record("the first use was refused: \(code as Any) \(reason ?? "")")
                break
            }
        }
        #expect(joined)
        let (replayCode, replayReason) = try await refusal(redirect.ticket, at: hallNode)
        #expect(replayCode == CloseCode.ticketRefused && replayReason == "the ticket was used before")
        first.close()
    }

    static func redirect(of connection: RealtimeConnection) async throws -> (url: String, ticket: String) {
        for await event in connection.events {
            if case .message(.redirect(let url, let ticket, _)) = event { return (url, ticket) }
        }
        throw TestFailure("no redirect")
    }
}
