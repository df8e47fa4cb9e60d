import Clocks
import Cluster
import Foundation
import Logging
import Storage
import StoragePostgres
import Synchronization
import Testing

/// Several members on one real PostgreSQL: every space served by exactly one node, never two at
/// once, through joins, crashes, a node cut off from the database, and a drain. Needs
/// `BITGOEUL_TEST_PG` (make test starts a throwaway server).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BITGOEUL_TEST_PG"] != nil, "needs BITGOEUL_TEST_PG"))
struct ClusterMemberTests {
    static let spaces = (0..<7).map { "test/s\($0)" }

    /// Fast timings, so a test waits seconds, not tens of seconds.
    static var settings: ClusterSettings {
        var s = ClusterSettings()
        s.leaseS = 2
        s.periodS = 0.2
        s.liveWithinS = 2
        s.expiryCheckS = 0.02
        return s
    }

    @Test func everySpaceIsServedByExactlyOneOfThreeNodes() async throws {
        let cluster = try await TestCluster(nodes: ["a", "b", "c"])
        // The first node to join takes more than its share; it gives spaces up one per round as the
        // others arrive, until no node holds two more than another.
        try await cluster.waitUntil(timeoutS: 10) { ledger in
            ledger.servedCount == Self.spaces.count
                && ["a", "b", "c"].allSatisfy { (2...3).contains(ledger.spaces(of: $0).count) }
        }
        let counts = cluster.ledger.servedBy.values.map(\.count)
        #expect(counts.allSatisfy { $0 == 1 })
        #expect(cluster.ledger.violations.isEmpty, "\(cluster.ledger.violations)")
        await cluster.stop()
    }

    @Test func aCrashedNodesSpacesMoveToTheSurvivorsAfterTheLease() async throws {
        let cluster = try await TestCluster(nodes: ["a", "b", "c"])
        try await cluster.waitUntil(timeoutS: 10) { $0.servedCount == Self.spaces.count }
        let lost = cluster.ledger.spaces(of: "b")
        let crashedAt = systemMonotonicSeconds()
        await cluster.crash("b")
        try await cluster.waitUntil(timeoutS: 10) { $0.servedCount == Self.spaces.count }
        let tookS = systemMonotonicSeconds() - crashedAt
        #expect(tookS >= Self.settings.leaseS * 0.9, "nobody took them before the lease ended (\(tookS) s)")
        #expect(tookS < Self.settings.leaseS + 2, "taken soon after (\(tookS) s)")
        #expect(lost.allSatisfy { ["a", "c"].contains(cluster.ledger.servedBy[$0]?.first ?? "") })
        #expect(cluster.ledger.violations.isEmpty, "\(cluster.ledger.violations)")
        await cluster.stop()
    }

    @Test func aNodeCutOffFromTheDatabaseStopsBeforeAnotherTakesItsSpaces() async throws {
        let cluster = try await TestCluster(nodes: ["a", "b"])
        try await cluster.waitUntil(timeoutS: 10) { $0.servedCount == Self.spaces.count }
        let cutOff = cluster.ledger.spaces(of: "a")
        #expect(!cutOff.isEmpty)
        cluster.partition("a")
        // a keeps ticking from memory until its local deadlines, then stops; b takes over after
        // the database's expiry. The ledger would record any moment both served one space.
        try await cluster.waitUntil(timeoutS: 10) { ledger in cutOff.allSatisfy { ledger.servedBy[$0] == ["b"] } }
        #expect(cluster.ledger.spaces(of: "a").isEmpty)
        #expect(cluster.ledger.violations.isEmpty, "\(cluster.ledger.violations)")
        #expect(await cluster.members["a"]?.health == .degraded)
        // Reconnected, a gets a share again (b gives up spaces one per round).
        cluster.heal("a")
        try await cluster.waitUntil(timeoutS: 15) { !$0.spaces(of: "a").isEmpty && $0.servedCount == Self.spaces.count }
        #expect(await cluster.members["a"]?.health == .ok)
        #expect(cluster.ledger.violations.isEmpty, "\(cluster.ledger.violations)")
        await cluster.stop()
    }

    @Test func aSecondNodeWithTheSameIdIsRefused() async throws {
        let cluster = try await TestCluster(nodes: ["a"])
        let twin = cluster.member("a")
        await #expect(throws: CoordinationError.self) { try await twin.join() }
        await cluster.stop()
    }

    @Test func aDrainingNodeHandsEverySpaceOver() async throws {
        let cluster = try await TestCluster(nodes: ["a", "b"])
        try await cluster.waitUntil(timeoutS: 10) { $0.servedCount == Self.spaces.count }
        #expect(!cluster.ledger.spaces(of: "a").isEmpty)
        await cluster.members["a"]?.drain(timeoutS: 10)
        #expect(cluster.ledger.spaces(of: "a").isEmpty)
        try await cluster.waitUntil(timeoutS: 5) { $0.spaces(of: "b").count == Self.spaces.count }
        #expect(cluster.ledger.violations.isEmpty, "\(cluster.ledger.violations)")
        await cluster.stop()
    }
}

/// Who serves what, in the order it happened; a space served by two live nodes at once is a violation.
final class Ledger: Sendable {
    struct State {
        var servedBy: [String: Set<String>] = [:]
        var violations: [String] = []
        var dead: Set<String> = []
    }
    let state = Mutex(State())

    func serve(_ node: String, _ space: String) {
        state.withLock {
            guard !$0.dead.contains(node) else { return }
            $0.servedBy[space, default: []].insert(node)
            if $0.servedBy[space]!.count > 1 { $0.violations.append("\(space) served by \($0.servedBy[space]!)") }
        }
    }
    func stop(_ node: String, _ space: String) { state.withLock { _ = $0.servedBy[space]?.remove(node) } }
    /// A crashed process serves nothing from this moment.
    func kill(_ node: String) {
        state.withLock {
            $0.dead.insert(node)
            for space in $0.servedBy.keys { $0.servedBy[space]?.remove(node) }
        }
    }

    var servedBy: [String: Set<String>] { state.withLock { $0.servedBy.filter { !$0.value.isEmpty } } }
    var violations: [String] { state.withLock { $0.violations } }
    var servedCount: Int { servedBy.count }
    func spaces(of node: String) -> Set<String> { Set(servedBy.filter { $0.value.contains(node) }.keys) }
}

/// A node's engine as the cluster sees it, writing to the ledger.
struct LedgerServing: SpaceServing {
    let node: String
    let ledger: Ledger
    func serve(space: String, epoch: Int64) { ledger.serve(node, space) }
    func stopServing(space: String) { ledger.stop(node, space) }
    func servedOccupancy() -> [String: Int] {
        Dictionary(uniqueKeysWithValues: ledger.spaces(of: node).map { ($0, 0) })
    }
}

/// Coordination that can be cut off, as a network partition between one node and PostgreSQL.
final class Partitionable: Coordination {
    let base: any Coordination
    let cut = Atomic<Bool>(false)
    init(_ base: any Coordination) { self.base = base }

    func check() throws { if cut.load(ordering: .relaxed) { throw StoreError(.unavailable, "cut off") } }
    func register(_ node: NodeRegistration, liveWithinS: Double) async throws -> Incarnation {
        try check()
        return try await base.register(node, liveWithinS: liveWithinS)
    }
    func heartbeat(_ incarnation: Incarnation, draining: Bool) async throws {
        try check()
        try await base.heartbeat(incarnation, draining: draining)
    }
    func deregister(_ incarnation: Incarnation) async throws {
        try check()
        try await base.deregister(incarnation)
    }
    func ensureLeases(spaces: [String]) async throws {
        try check()
        try await base.ensureLeases(spaces: spaces)
    }
    func renew(node: String, epochs: [String: Int64], occupancy: [String: Int], leaseS: Double) async throws
        -> Set<String>
    {
        try check()
        return try await base.renew(node: node, epochs: epochs, occupancy: occupancy, leaseS: leaseS)
    }
    func acquire(space: String, node: String, leaseS: Double) async throws -> Int64? {
        try check()
        return try await base.acquire(space: space, node: node, leaseS: leaseS)
    }
    func release(space: String, node: String, epoch: Int64) async throws {
        try check()
        try await base.release(space: space, node: node, epoch: epoch)
    }
    func clusterView() async throws -> (nodes: [NodeRecord], leases: [LeaseRecord]) {
        try check()
        return try await base.clusterView()
    }
    func useTicket(id: String, expiresAt: Date) async throws -> Bool {
        try check()
        return try await base.useTicket(id: id, expiresAt: expiresAt)
    }
}

/// Members on a fresh schema of the test PostgreSQL, each running its rounds.
struct TestCluster {
    let store: PostgresStore
    let ledger = Ledger()
    var members: [String: ClusterMember] = [:]
    var links: [String: Partitionable] = [:]
    var tasks: [String: Task<Void, Never>] = [:]

    init(nodes: [String]) async throws {
        let base = try #require(ProcessInfo.processInfo.environment["BITGOEUL_TEST_PG"])
        let schema = "c_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        var quiet = Logger(label: "test")
        quiet.logLevel = .warning
        store = try await PostgresStore.open(
            PostgresLocation(url: base + "?schema=\(schema)&sslmode=disable"), logger: quiet)
        for id in nodes {
            let link = Partitionable(store)
            let member = Self.member(id, link, ledger)
            try await member.join()
            links[id] = link
            members[id] = member
            tasks[id] = Task { await member.run() }
        }
    }

    static func member(_ id: String, _ coordination: any Coordination, _ ledger: Ledger) -> ClusterMember {
        var quiet = Logger(label: "test.\(id)")
        quiet.logLevel = .warning
        return ClusterMember(
            registration: NodeRegistration(id: id, url: "http://\(id).test", capacity: 1000, ticketKey: [1]),
            coordination: coordination, serving: LedgerServing(node: id, ledger: ledger),
            spaces: ClusterMemberTests.spaces, settings: ClusterMemberTests.settings,
            monotonicS: systemMonotonicSeconds, logger: quiet)
    }

    /// Another process with this id.
    func member(_ id: String) -> ClusterMember { Self.member(id, store, ledger) }

    func crash(_ id: String) async {
        ledger.kill(id)
        tasks[id]?.cancel()
        _ = await tasks[id]?.value
    }

    func partition(_ id: String) { links[id]?.cut.store(true, ordering: .relaxed) }
    func heal(_ id: String) { links[id]?.cut.store(false, ordering: .relaxed) }

    func waitUntil(timeoutS: Double, _ condition: (Ledger) -> Bool) async throws {
        let start = systemMonotonicSeconds()
        while !condition(ledger) {
            guard systemMonotonicSeconds() - start < timeoutS else {
                throw TimeoutFailure(description: "not within \(timeoutS) s: \(ledger.servedBy)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() async {
        for task in tasks.values { task.cancel() }
        for task in tasks.values { _ = await task.value }
        await store.close()
    }
}

struct TimeoutFailure: Error, CustomStringConvertible {
    let description: String
}
