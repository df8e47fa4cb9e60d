import Storage

/// The leases this node holds, each with the local deadline by which it stops serving the space.
///
/// A synchronous state machine: it is told what the database answered and when the request was
/// sent (by the node's monotonic clock), and returns what to start and stop. The deadline counts
/// from the *sending* of the acquisition or renewal, so it always falls before the database's own
/// expiry of the lease (set when the request arrived), less a margin for clock-rate error: a node
/// cut off from PostgreSQL stops serving before any other node can acquire the space. Wall clocks
/// are never compared across nodes.
public struct LeaseKeeper: Sendable {
    public enum Action: Hashable, Sendable {
        /// Start serving the space (fresh) under this fencing epoch.
        case serve(space: String, epoch: Int64)
        /// Stop serving the space now: the lease is lost, expired locally, or given up.
        case stop(space: String)
    }

    struct Held: Hashable, Sendable {
        var epoch: Int64
        var serveUntilS: Double
    }

    public let leaseS: Double
    /// Taken off every local deadline: clocks may run at slightly different rates.
    public let marginS: Double
    private(set) var held: [String: Held] = [:]

    public init(leaseS: Double, marginS: Double? = nil) {
        precondition(leaseS > 0)
        self.leaseS = leaseS
        self.marginS = marginS ?? max(0.5, leaseS * 0.1)
    }

    /// The epochs of the leases held, for renewal.
    public var epochs: [String: Int64] { held.mapValues(\.epoch) }
    public var spaces: Set<String> { Set(held.keys) }

    /// The lease of `space` was acquired under `epoch`, by a request sent at `sentAtS`.
    public mutating func acquired(space: String, epoch: Int64, sentAtS: Double) -> [Action] {
        held[space] = Held(epoch: epoch, serveUntilS: sentAtS + leaseS - marginS)
        return [.serve(space: space, epoch: epoch)]
    }

    /// A renewal sent at `sentAtS` extended `renewed`; every other lease it asked for is lost.
    public mutating func renewed(_ renewed: Set<String>, asked: Set<String>, sentAtS: Double) -> [Action] {
        var actions: [Action] = []
        for space in asked.sorted() {
            guard held[space] != nil else { continue }
            if renewed.contains(space) {
                held[space]?.serveUntilS = sentAtS + leaseS - marginS
            } else {
                held[space] = nil
                actions.append(.stop(space: space))
            }
        }
        return actions
    }

    /// The node gave the lease up (or is about to): it stops serving at once.
    public mutating func released(space: String) -> [Action] {
        held.removeValue(forKey: space) == nil ? [] : [.stop(space: space)]
    }

    /// Stops every space whose local deadline passed without a renewal.
    public mutating func expire(nowS: Double) -> [Action] {
        let due = held.filter { $0.value.serveUntilS <= nowS }.keys.sorted()
        for space in due { held[space] = nil }
        return due.map { .stop(space: $0) }
    }

    /// Seconds until the first local deadline (nil when nothing is held).
    public func nextDeadlineS(nowS: Double) -> Double? {
        held.values.map { $0.serveUntilS - nowS }.min()
    }
}
