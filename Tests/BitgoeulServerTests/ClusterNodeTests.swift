import BitgoeulClient
import Foundation
import Storage
import StoragePostgres
import Testing
import Wire
import WorldModel

/// Three real nodes on one PostgreSQL: people on different nodes, redirects with tickets, refusals,
/// a crashed node and a drained one. Needs `BITGOEUL_TEST_PG` (make test starts a throwaway server).
@Suite(.serialized, .enabled(if: LiveCluster.postgresURL != nil, "needs BITGOEUL_TEST_PG"))
struct ClusterNodeTests {
    /// The node serving `space`, and one that does not.
    static func nodes(for space: String, in cluster: LiveCluster) async throws -> (serving: String, other: String) {
        let placements = try await cluster.settledPlacements()
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
        try await LiveCluster.poll(timeoutS: 20, "the spaces were not shared out") {
            placements = (try? await cluster.settledPlacements()) ?? [:]
            return Set(placements.values).count == 2
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
            let entered = await avatar.waitUntil(timeoutS: 5) { $0.view.space == space && $0.view.snapshots > 0 }
            let state = avatar.snapshot
            #expect(
                entered,
                "\(space): in \(state.view.space ?? "-") via \(state.server ?? "-"), \(state.redirects) redirects, errors \(state.errors.map(\.message)), closed \(state.closed.map { "\($0.code ?? 0) \($0.reason ?? "")" } ?? "no")"
            )
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

/// Failure and upgrade: a node killed with SIGKILL, and one drained with SIGTERM.
@Suite(.serialized, .enabled(if: LiveCluster.postgresURL != nil, "needs BITGOEUL_TEST_PG"))
struct ClusterFailoverTests {
    @Test func afterKill9TheSpaceIsServedElsewhereAndItsClientsAreBackInIt() async throws {
        try await LiveCluster.with(["a", "b", "c"]) { cluster in
            let placements = try await cluster.settledPlacements()
            let victim = try #require(placements["testland/plaza"])
            let survivor = try #require(cluster.nodes.keys.sorted().first { $0 != victim })
            // Guests enter through a survivor's door and are redirected to the victim.
            var guests: [Avatar] = []
            for i in 0..<3 {
                let avatar = try await Avatar.connect(
                    url: cluster.node(survivor).connectURL, token: nil, resilient: true)
                avatar.joinGuest(space: "testland/plaza", name: "Guest\(i)")
                guests.append(avatar)
            }
            for guest in guests {
                #expect(
                    await guest.waitUntil(timeoutS: 5) { $0.view.space == "testland/plaza" && $0.view.snapshots > 0 })
            }
            let joinsBefore = guests.map(\.snapshot.joins)
            let killedAt = Date()
            cluster.kill(victim)
            // Lease 10 s, rounds every second: the survivors take the space, the clients come back.
            for (guest, before) in zip(guests, joinsBefore) {
                #expect(
                    await guest.waitUntil(timeoutS: 20) {
                        $0.reconnects > 0 && $0.joins > before && $0.view.space == "testland/plaza"
                    })
            }
            let backS = Date().timeIntervalSince(killedAt)
            #expect(backS < 15, "back in the space \(backS) s after the kill")
            #expect(backS > 5, "not before the lease ended (\(backS) s)")
            #expect(await guests[0].waitUntil(timeoutS: 3) { $0.view.entity(named: "Guest2") != nil }, "together again")
            let now = try await cluster.placements(via: survivor)
            #expect(now["testland/plaza"] != victim && now["testland/plaza"]?.isEmpty == false)
            for guest in guests { #expect(guest.snapshot.view.space == "testland/plaza") }
        }
    }

    @Test func aDrainedNodeHandsItsPeopleOverAndNobodyEndsDisconnected() async throws {
        try await LiveCluster.with(["a", "b"]) { cluster in
            let placements = try await cluster.settledPlacements()
            let leaving = try #require(placements["testland/hall"])
            let staying = try #require(cluster.nodes.keys.sorted().first { $0 != leaving })
            let hana = try await cluster.citizen("hana", persona: "Hana", via: staying)
            // Not resilient: following the drain must not need a reconnection after a drop.
            let avatar = try await Avatar.connect(url: cluster.node(leaving).connectURL, token: hana.api.token)
            avatar.setBoundary(.off)
            avatar.join(space: "testland/hall", personaId: hana.personas[0].id)
            #expect(await avatar.waitUntil(timeoutS: 5) { $0.view.space == "testland/hall" && $0.view.snapshots > 0 })
            let status = try await cluster.terminate(leaving)
            #expect(status == 0, "the drained node exits cleanly")
            #expect(avatar.snapshot.redirects >= 1)
            #expect(avatar.snapshot.server == cluster.node(staying).connectURL)
            #expect(await avatar.waitUntil(timeoutS: 5) { $0.view.space == "testland/hall" && $0.closed == nil })
            let before = avatar.snapshot.view.snapshots
            #expect(await avatar.waitUntil(timeoutS: 2) { $0.view.snapshots > before }, "still receiving")
        }
    }
}

/// Blocks and sanctions made through one node take effect on the others within a second.
@Suite(.serialized, .enabled(if: LiveCluster.postgresURL != nil, "needs BITGOEUL_TEST_PG"))
struct ClusterEventTests {
    /// Two nodes serving one space each: the two spaces' nodes.
    static func spread(_ cluster: LiveCluster) async throws -> (plaza: String, hall: String) {
        var placements: [String: String] = [:]
        try await LiveCluster.poll(timeoutS: 20, "the spaces were not shared out") {
            placements = (try? await cluster.settledPlacements()) ?? [:]
            return Set(placements.values).count == 2
        }
        return (placements["testland/plaza"]!, placements["testland/hall"]!)
    }

    @Test func aBlockMadeOnOneNodeHidesTheBlockerOnAnother() async throws {
        try await LiveCluster.with(["a", "b"]) { cluster in
            let (plaza, hall) = try await Self.spread(cluster)
            var mina = try await cluster.citizen("mina", persona: "Mina", via: plaza)
            mina = Citizen(
                api: mina.api, personas: mina.personas + [try await mina.api.createPersona(name: "Mina Two")],
                accountId: mina.accountId)
            var joon = try await cluster.citizen("joon", persona: "Joon", via: plaza)
            joon = Citizen(
                api: joon.api, personas: joon.personas + [try await joon.api.createPersona(name: "Joon Two")],
                accountId: joon.accountId)
            func enter(_ who: Citizen, _ persona: Int, _ space: String, at node: String) async throws -> Avatar {
                let avatar = try await Avatar.connect(url: cluster.node(node).connectURL, token: who.api.token)
                avatar.join(space: space, personaId: who.personas[persona].id)
                guard await avatar.waitUntil(timeoutS: 5, { $0.view.space == space && $0.view.snapshots > 0 }) else {
                    throw TestFailure("\(who.personas[persona].name) did not enter \(space)")
                }
                return avatar
            }
            let minaInPlaza = try await enter(mina, 0, "testland/plaza", at: plaza)
            let joonInPlaza = try await enter(joon, 0, "testland/plaza", at: plaza)
            let minaInHall = try await enter(mina, 1, "testland/hall", at: hall)
            let joonInHall = try await enter(joon, 1, "testland/hall", at: hall)
            #expect(await joonInHall.waitUntil(timeoutS: 3) { $0.view.entity(named: "Mina Two") != nil })
            let joonId = try #require(
                await minaInPlaza.waitUntil(timeoutS: 3) { $0.view.entity(named: "Joon") != nil }
                    ? minaInPlaza.read { $0.view.entity(named: "Joon")?.id } : nil)
            // Mina blocks Joon in the plaza (one node); in the hall (the other node) they vanish
            // from each other's view, whichever persona either uses.
            let blockedAt = Date()
            minaInPlaza.relate(.block, entityId: joonId)
            #expect(await joonInHall.waitUntil(timeoutS: 1) { $0.view.entity(named: "Mina Two") == nil })
            #expect(await minaInHall.waitUntil(timeoutS: 1) { $0.view.entity(named: "Joon Two") == nil })
            #expect(Date().timeIntervalSince(blockedAt) < 1.2, "within a second across nodes")
            _ = joonInPlaza
        }
    }

    @Test func aRoleGivenAtTheConsoleCountsAtOnceOnTheNodeOfThePerson() async throws {
        try await LiveCluster.with(["a", "b"]) { cluster in
            let (plaza, _) = try await Self.spread(cluster)
            let hana = try await cluster.citizen("hana", persona: "Hana", via: plaza)
            let avatar = try await Avatar.connect(url: cluster.node(plaza).connectURL, token: hana.api.token)
            avatar.join(space: "testland/plaza", personaId: hana.personas[0].id)
            #expect(await avatar.waitUntil(timeoutS: 5) { $0.view.space == "testland/plaza" && $0.view.snapshots > 0 })
            avatar.tour(.start)
            #expect(await avatar.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .notAllowed } })

            // The operator makes Hana a docent of the plaza from the console, not through a node.
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("role-\(UUID().uuidString).log")
            let pid = try LiveCluster.spawn(
                [
                    LiveCluster.binary.path, "role", "--database", cluster.database, "--username", "hana", "--space",
                    "testland/plaza", "--role", "docent",
                ], log: log.path)
            #expect(LiveCluster.wait(pid) == 0)
            let printed = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(printed.contains("the nodes were told"), "\(printed)")
            let told = Date()
            let selfId = try #require(avatar.snapshot.view.selfId)
            try await LiveCluster.poll(timeoutS: 3, "the role did not reach the plaza's node") {
                avatar.tour(.start)
                return await avatar.waitUntil(timeoutS: 0.6) { state in
                    state.notices.contains { $0.kind == .tour && $0.entityId == selfId && $0.text == "started" }
                }
            }
            #expect(Date().timeIntervalSince(told) < 2, "within a second or so")
        }
    }

    @Test func aBanOnOneNodeDisconnectsThePersonOnAnother() async throws {
        try await LiveCluster.with(["a", "b"]) { cluster in
            let (plaza, hall) = try await Self.spread(cluster)
            let troll = try await cluster.citizen("troll", persona: "Troll", via: plaza)
            let victim = try await cluster.citizen("victim", persona: "Victim", via: plaza)
            let moderator = try await cluster.citizen("moder", persona: "Moder", via: hall)
            let store = try await PostgresStore.open(PostgresLocation(url: cluster.database))
            try await store.setRole(account: moderator.accountId, space: "*", role: .moderator)
            await store.close()

            let trollAvatar = try await Avatar.connect(url: cluster.node(plaza).connectURL, token: troll.api.token)
            trollAvatar.join(space: "testland/plaza", personaId: troll.personas[0].id)
            let victimAvatar = try await Avatar.connect(url: cluster.node(plaza).connectURL, token: victim.api.token)
            victimAvatar.join(space: "testland/plaza", personaId: victim.personas[0].id)
            #expect(await victimAvatar.waitUntil(timeoutS: 5) { $0.view.entity(named: "Troll") != nil })
            let trollId = try #require(victimAvatar.read { $0.view.entity(named: "Troll")?.id })
            victimAvatar.report(entityId: trollId, category: 0, note: "follows me")
            #expect(await victimAvatar.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("report #") } })

            // The moderator works through the other node.
            let queue = try await moderator.openReports()
            let report = try #require(queue.first { $0.reportedName == "Troll" })
            let bannedAt = Date()
            try await moderator.act(on: report.id, "ban", reason: "harassment")
            #expect(await trollAvatar.waitUntil(timeoutS: 1) { $0.closed != nil }, "disconnected within a second")
            #expect(trollAvatar.snapshot.closed?.code == CloseCode.accountEnded)
            #expect(Date().timeIntervalSince(bannedAt) < 1.5)
            #expect(await victimAvatar.waitUntil(timeoutS: 2) { $0.notices.contains { $0.text.contains("ban") } })
        }
    }
}

/// PostgreSQL going away and coming back, as a restart looks to the nodes (a relay cut: connections
/// closed, new ones refused, for about as long as a call waits for the database, 10 s).
@Suite(.serialized, .enabled(if: LiveCluster.postgresURL != nil, "needs BITGOEUL_TEST_PG"))
struct ClusterDatabaseTests {
    struct Health: Decodable { let status: String }

    static func status(_ cluster: LiveCluster, _ id: String) async -> String? {
        let data = try? await cluster.node(id).api.call("GET", "/healthz")
        return data.flatMap { try? JSONDecoder().decode(Health.self, from: $0) }?.status
    }

    @Test func whileTheDatabaseRestartsNodesKeepTickingSayDegradedAndLoseNothing() async throws {
        let base = try #require(LiveCluster.postgresURL)
        let url = try #require(URLComponents(string: base))
        let relay = try TCPRelay(to: url.host ?? "127.0.0.1", port: url.port ?? 5432)
        defer { relay.close() }
        try await LiveCluster.with(["a", "b"], through: ("127.0.0.1", relay.port)) { cluster in
            let placements = try await cluster.settledPlacements()
            let hallNode = try #require(placements["testland/hall"])
            // Acknowledged before the outage: an account with a persona.
            let hana = try await cluster.citizen("hana", persona: "Hana", via: hallNode)
            let avatar = try await Avatar.connect(
                url: cluster.node(hallNode).connectURL, token: hana.api.token, resilient: true)
            avatar.join(space: "testland/hall", personaId: hana.personas[0].id)
            #expect(await avatar.waitUntil(timeoutS: 5) { $0.view.space == "testland/hall" && $0.view.snapshots > 0 })

            relay.cut()
            // Both nodes say degraded (after three silent rounds), and still answer.
            for id in ["a", "b"] {
                try await LiveCluster.poll(timeoutS: 6, "\(id) did not report degraded") {
                    await Self.status(cluster, id) == "degraded"
                }
            }
            // The space keeps ticking from memory...
            let during = avatar.snapshot.view.snapshots
            #expect(await avatar.waitUntil(timeoutS: 1) { $0.view.snapshots >= during + 10 }, "still ticking")
            // ...and what needs the database fails clearly, once the store's deadline (10 s) has passed.
            var failure: BitgoeulAPI.Failure?
            let asked = Date()
            do {
                _ = try await cluster.node(hallNode).api.call(
                    "POST", "/api/v1/sessions", body: ["username": "hana", "password": "correct horse battery"])
            } catch let error as BitgoeulAPI.Failure {
                failure = error
            }
            #expect(failure?.status == 503 && failure?.code == "database_unavailable", "\(failure as Any)")
            #expect(Date().timeIntervalSince(asked) < 12, "answered within the store's deadline")
            relay.restore()
            for id in ["a", "b"] {
                try await LiveCluster.poll(timeoutS: 20, "\(id) did not recover") {
                    await Self.status(cluster, id) == "ok"
                }
            }
            // Nothing acknowledged is lost, and the person is in the hall (the space may have moved
            // if a node's lease ran out before the pool reconnected; the client follows it then).
            let again = try await cluster.node(hallNode).api.signIn(username: "hana", password: "correct horse battery")
            #expect(try await again.personas().map(\.name) == ["Hana"])
            #expect(
                await avatar.waitUntil(timeoutS: 20) { $0.view.space == "testland/hall" && $0.closed == nil },
                "back in the hall")
            let now = avatar.snapshot.view.snapshots
            #expect(await avatar.waitUntil(timeoutS: 3) { $0.view.snapshots > now }, "receiving again")
        }
    }
}
