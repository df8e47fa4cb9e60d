import ArgumentParser
import BitgoeulClient
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `bitgoeul bench cluster`: three local nodes of this binary on one PostgreSQL; teleports within a
/// node and across nodes, failover after `kill -9`, and bots spread over the three nodes.
struct ClusterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Teleports, failover and bots on three local nodes sharing one PostgreSQL (a fresh schema).")

    @Option(help: "PostgreSQL, postgres://USER@HOST:PORT/DB (a schema of its own is made in it).") var database: String
    @Option(help: "Region directory served by the nodes.") var world = "worlds/gwangju"
    @Option(help: "Teleports timed per kind (same node, other node); at most one per 2 s per avatar.")
    var teleports = 20
    @Option(help: "Failovers timed (kill -9 of the node serving the avatars' space).") var failovers = 5
    @Option(help: "Bots per node for the spread run (0: skip it).") var botsPerNode = 300
    @Option(help: "Seconds the bots walk.") var botSeconds = 20.0

    func run() async throws {
        guard (1...200).contains(teleports) else { throw ValidationError("--teleports must be within 1...200") }
        guard (0...20).contains(failovers) else { throw ValidationError("--failovers must be within 0...20") }
        guard (0...2000).contains(botsPerNode) else { throw ValidationError("--bots-per-node must be within 0...2000") }
        guard (1...600).contains(botSeconds) else { throw ValidationError("--bot-seconds must be within 1...600") }
        let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let separator = database.contains("?") ? "&" : "?"
        var cluster = LocalCluster(database: database + "\(separator)schema=\(schema)&sslmode=disable", world: world)
        do {
            for id in ["a", "b", "c"] { try cluster.start(id) }
            let placements = try await cluster.settled()
            print(
                "placements: \(placements.sorted { $0.key < $1.key }.map { "\($0.key)→\($0.value)" }.joined(separator: " "))"
            )
            try await teleportFigures(cluster, placements)
            for run in 0..<failovers { try await failover(&cluster, run: run + 1) }
            if botsPerNode > 0 { try await spreadBots(cluster) }
        } catch {
            cluster.stopAll()
            throw error
        }
        cluster.stopAll()
        print("(schema \(schema) is left in the database; DROP SCHEMA \(schema) CASCADE removes it)")
    }

    /// Same-node and cross-node teleports, timed from sending `teleport` to `joined` in the target.
    func teleportFigures(_ cluster: LocalCluster, _ placements: [String: String]) async throws {
        let byNode = Dictionary(grouping: placements.keys.sorted()) { placements[$0]! }
        guard let pair = byNode.values.first(where: { $0.count >= 2 }), let node = placements[pair[0]],
            let far = placements.keys.sorted().first(where: { placements[$0] != node })
        else { throw ValidationError("the world needs two spaces on one node and one elsewhere") }
        async let same = timeTeleports(cluster, from: pair[0], to: pair[1], entering: node, name: "Same")
        async let cross = timeTeleports(cluster, from: pair[0], to: far, entering: node, name: "Cross")
        let (sameMs, crossMs) = try await (same, cross)
        print(Self.line("teleport, same node", sameMs))
        print(Self.line("teleport, other node", crossMs))
    }

    func timeTeleports(_ cluster: LocalCluster, from: String, to: String, entering node: String, name: String)
        async throws -> [Double]
    {
        let avatar = try await Avatar.connect(url: cluster.connectURL(node), token: nil)
        defer { avatar.close() }
        avatar.joinGuest(space: from, name: name)
        guard await avatar.waitUntil(timeoutS: 10, { $0.view.space == from && $0.view.snapshots > 0 }) else {
            throw ValidationError("\(name): could not enter \(from)")
        }
        var times: [Double] = []
        var target = to
        for _ in 0..<teleports {
            // Teleports share the join bucket: one every two seconds per connection.
            try await Task.sleep(for: .milliseconds(2_100))
            let started = ContinuousClock.now
            avatar.teleport(toSpace: target)
            guard await avatar.waitUntil(timeoutS: 10, { $0.view.space == target && $0.view.snapshots > 0 }) else {
                throw ValidationError("\(name): no arrival in \(target): \(avatar.snapshot.errors.map(\.message))")
            }
            times.append(Self.ms(ContinuousClock.now - started))
            target = target == to ? from : to
        }
        return times
    }

    /// Kills the node serving three resilient guests' space and times their return, then restarts it.
    func failover(_ cluster: inout LocalCluster, run: Int) async throws {
        let placements = try await cluster.settled()
        let space = placements.keys.sorted()[run % placements.count]
        let victim = placements[space]!
        let door = cluster.ids.first { $0 != victim }!
        var guests: [Avatar] = []
        for i in 0..<3 {
            let avatar = try await Avatar.connect(url: cluster.connectURL(door), token: nil, resilient: true)
            avatar.joinGuest(space: space, name: "Failover\(i)")
            guests.append(avatar)
        }
        for guest in guests {
            guard await guest.waitUntil(timeoutS: 10, { $0.view.space == space && $0.view.snapshots > 0 }) else {
                throw ValidationError("failover \(run): guests did not enter \(space)")
            }
        }
        let joins = guests.map(\.snapshot.joins)
        let killed = ContinuousClock.now
        cluster.kill(victim)
        var backMs: [Double] = []
        for (guest, before) in zip(guests, joins) {
            let back = await guest.waitUntil(timeoutS: 40) {
                $0.joins > before && $0.view.space == space && $0.view.snapshots > 0
            }
            backMs.append(back ? Self.ms(ContinuousClock.now - killed) : .infinity)
        }
        for guest in guests { guest.close() }
        print(
            String(
                format: "failover %d: %@ on %@ killed; guests back after %@ s", run, space, victim,
                backMs.map { String(format: "%.1f", $0 / 1000) }.joined(separator: ", ")))
        try cluster.start(victim)
        _ = try await cluster.settled(expecting: 3)
    }

    /// `botsPerNode` bots in a space of each node at once, with each node's CPU per client-second.
    func spreadBots(_ cluster: LocalCluster) async throws {
        let placements = try await cluster.settled()
        var spaces: [(node: String, space: String)] = []
        for id in cluster.ids {
            if let space = placements.keys.sorted().first(where: { placements[$0] == id }) {
                spaces.append((id, space))
            }
        }
        let reports = await withTaskGroup(of: (String, String, BotSwarm.Report).self) { group in
            for (node, space) in spaces {
                var swarm = BotSwarm(
                    url: cluster.connectURL(node), space: space, count: botsPerNode, durationS: botSeconds)
                swarm.connectsPerS = 100
                let pid = cluster.pid(node)
                swarm.serverCPUSeconds = { ProcessCPU.seconds(of: pid) }
                group.addTask { (node, space, await swarm.run()) }
            }
            var all: [(String, String, BotSwarm.Report)] = []
            for await report in group { all.append(report) }
            return all.sorted { $0.0 < $1.0 }
        }
        for (node, space, r) in reports {
            print(
                String(
                    format:
                        "bots on %@ (%@): %d/%d joined, %.1f snapshots/s, move→ack p50 %.1f / p99 %.1f ms, server CPU %.0f µs per client-second, %d unexpected closes",
                    node, space, r.bots_joined, r.bots_requested, r.snapshots_per_bot_per_s, r.latency_p50_ms,
                    r.latency_p99_ms, r.server_cpu_us_per_client_s ?? .nan, r.unexpected_closes))
        }
    }

    static func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    static func line(_ what: String, _ ms: [Double]) -> String {
        let sorted = ms.sorted()
        func at(_ p: Double) -> Double {
            sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        return String(
            format: "%@: n=%d p50 %.0f ms, p99 %.0f ms, max %.0f ms", what, sorted.count, at(0.5), at(0.99),
            sorted.last!)
    }
}
