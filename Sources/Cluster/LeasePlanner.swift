import Storage

/// What one node does with leases in one round, decided from the cluster view alone.
public struct LeasePlan: Hashable, Sendable {
    /// Unheld spaces to try to acquire, in order.
    public var acquire: [String] = []
    /// Held spaces to give up (to balance, or all of them when draining).
    public var release: [String] = []

    public init(acquire: [String] = [], release: [String] = []) {
        self.acquire = acquire
        self.release = release
    }
}

/// Shares spaces out across live nodes in proportion to their capacity.
///
/// Each node computes its own plan from the same view; the database's leases settle any race. The
/// least loaded nodes (spaces per capacity) take unheld spaces, up to their share; when nothing is
/// unheld, a node gives up its emptiest space (one per round) while that leaves it at least as
/// loaded as another live node would be with it, so a node that joins or returns gets work without
/// everyone moving at once. A draining node takes nothing and gives up everything.
public enum LeasePlanner {
    public static func plan(
        me: String, draining: Bool, nodes: [NodeRecord], leases: [LeaseRecord], liveWithinS: Double
    ) -> LeasePlan {
        let mine = leases.filter { $0.isHeld && $0.node == me }
        if draining { return LeasePlan(release: mine.map(\.space).sorted()) }
        var live = nodes.filter { $0.heartbeatAgeS < liveWithinS && !$0.draining }
        if !live.contains(where: { $0.id == me }) {
            // Just registered or the view is a moment old: count itself in.
            live.append(NodeRecord(id: me, url: "", capacity: 1, ticketKey: [], heartbeatAgeS: 0, draining: false))
        }
        let shares = self.shares(spaces: leases.count, nodes: live)
        let myShare = shares[me] ?? 0
        let heldBy = Dictionary(grouping: leases.filter(\.isHeld), by: { $0.node ?? "" }).mapValues(\.count)
        let capacity = Dictionary(live.map { ($0.id, Double(max(1, $0.capacity))) }, uniquingKeysWith: max)
        func load(_ id: String, plus extra: Int = 0) -> Double {
            Double((heldBy[id] ?? 0) + extra) / (capacity[id] ?? 1)
        }
        let leastLoad = live.map { load($0.id) }.min() ?? 0
        var plan = LeasePlan()
        let free = leases.filter { !$0.isHeld }
        if mine.count < myShare, !free.isEmpty, load(me) <= leastLoad + 1e-9 {
            // The least loaded nodes take free spaces; different nodes prefer different ones, so
            // they rarely race for the same.
            let order = free.map(\.space).sorted { (preference(me, $0), $0) < (preference(me, $1), $1) }
            plan.acquire = Array(order.prefix(myShare - mine.count))
        } else if free.isEmpty, !mine.isEmpty,
            live.contains(where: { $0.id != me && load(me, plus: -1) >= load($0.id, plus: 1) - 1e-9 }),
            let emptiest = mine.min(by: { ($0.occupancy, $0.space) < ($1.occupancy, $1.space) })
        {
            // Moving one space to a less loaded node leaves this one no lighter than it: move it.
            plan.release = [emptiest.space]
        }
        return plan
    }

    /// Each live node's share of `spaces`, in proportion to capacity, rounded up (so every space
    /// has room somewhere).
    static func shares(spaces: Int, nodes: [NodeRecord]) -> [String: Int] {
        let total = nodes.reduce(0) { $0 + max(1, $1.capacity) }
        guard total > 0 else { return [:] }
        var shares: [String: Int] = [:]
        for node in nodes {
            let exact = Double(spaces) * Double(max(1, node.capacity)) / Double(total)
            shares[node.id] = Int(exact.rounded(.up))
        }
        return shares
    }

    /// A stable per-node order of spaces (FNV-1a of node and space).
    static func preference(_ node: String, _ space: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in node.utf8 + [0] + space.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash
    }
}
