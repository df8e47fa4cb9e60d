import Foundation

/// A node of a cluster as it registers: who it is, where clients reach it, and how many people it takes.
public struct NodeRegistration: Hashable, Sendable {
    /// Stable, chosen by the operator (`--node-id`): lowercase letters, digits and `-`, at most 63 bytes.
    public var id: String
    /// The public base URL clients use (`https://node2.city.example`); WebSocket is `…/connect` there.
    public var url: String
    /// Avatars the node takes across its spaces; leases are shared out in proportion.
    public var capacity: Int
    /// The node's public key (raw Ed25519, 32 bytes) that its handoff tickets verify with.
    public var ticketKey: [UInt8]

    public init(id: String, url: String, capacity: Int, ticketKey: [UInt8]) {
        self.id = id
        self.url = url
        self.capacity = capacity
        self.ticketKey = ticketKey
    }
}

/// A registered node as every node sees it.
public struct NodeRecord: Hashable, Sendable {
    public var id: String
    public var url: String
    public var capacity: Int
    public var ticketKey: [UInt8]
    /// Seconds since its last heartbeat, by the database's clock (no node's clock is trusted).
    public var heartbeatAgeS: Double
    /// It is handing its spaces over before it stops.
    public var draining: Bool

    public init(id: String, url: String, capacity: Int, ticketKey: [UInt8], heartbeatAgeS: Double, draining: Bool) {
        self.id = id
        self.url = url
        self.capacity = capacity
        self.ticketKey = ticketKey
        self.heartbeatAgeS = heartbeatAgeS
        self.draining = draining
    }
}

/// Who holds a space: the node, the fencing epoch of its lease, and the people in the space at the
/// last renewal. An expired lease has no holder.
public struct LeaseRecord: Hashable, Sendable {
    public var space: String
    public var node: String?
    /// Goes up by one at every acquisition; a holder acts only under the epoch it acquired.
    public var epoch: Int64
    public var occupancy: Int
    /// Seconds until it expires by the database's clock (negative: expired).
    public var expiresInS: Double

    public init(space: String, node: String?, epoch: Int64, occupancy: Int, expiresInS: Double) {
        self.space = space
        self.node = node
        self.epoch = epoch
        self.occupancy = occupancy
        self.expiresInS = expiresInS
    }

    /// Held by a node and not expired.
    public var isHeld: Bool { node != nil && expiresInS > 0 }
}

/// One registration of a node process; a restart is a new incarnation, and the old one's
/// heartbeats are refused from then on.
public struct Incarnation: Hashable, Sendable {
    public var node: String
    public var token: String

    public init(node: String, token: String) {
        self.node = node
        self.token = token
    }
}

/// Why a cluster operation was refused.
public struct CoordinationError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Another live process registered with this node id.
        case nodeIdInUse
        /// This process's registration was replaced (a newer start with the same id).
        case superseded
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// What the nodes of a cluster share beyond the `Store`: the node registry, one lease per space
/// with a fencing epoch, and single-use tickets. Every time here is the database's, so nodes whose
/// clocks disagree by seconds still agree on who holds what.
public protocol Coordination: Sendable {
    /// Registers the node; throws `nodeIdInUse` while another process with this id heartbeats
    /// within `liveWithinS`. A stale registration of the same id is taken over, and its leases
    /// ended (a restarted node holds nothing until it acquires again).
    func register(_ node: NodeRegistration, liveWithinS: Double) async throws -> Incarnation
    /// Records that the node is alive; throws `superseded` when another process took the id.
    func heartbeat(_ incarnation: Incarnation, draining: Bool) async throws
    /// Removes the node's registration and ends its leases (a clean stop).
    func deregister(_ incarnation: Incarnation) async throws

    /// Makes sure every space has a lease row (unheld at first).
    func ensureLeases(spaces: [String]) async throws
    /// Extends the node's leases it still holds under the given epochs by `leaseS`, and records their
    /// occupancy; returns the spaces renewed (any other was lost).
    func renew(node: String, epochs: [String: Int64], occupancy: [String: Int], leaseS: Double) async throws
        -> Set<String>
    /// Takes the space when its lease is unheld or expired; returns the new epoch, or nil when held.
    func acquire(space: String, node: String, leaseS: Double) async throws -> Int64?
    /// Gives the space up (only under the epoch held), so another node may take it at once.
    func release(space: String, node: String, epoch: Int64) async throws
    /// Every registered node and every lease.
    func clusterView() async throws -> (nodes: [NodeRecord], leases: [LeaseRecord])

    /// Records a ticket's id as used; false when it was used before (a replay). Entries are kept
    /// until `expiresAt` passes plus a margin.
    func useTicket(id: String, expiresAt: Date) async throws -> Bool
}

/// How the nodes of a cluster tell each other what changed (PostgreSQL LISTEN/NOTIFY): small
/// payloads, delivered to every node listening at the time, in the order sent from one node.
public protocol EventChannel: Sendable {
    /// Largest payload, in bytes.
    static var payloadBytesMax: Int { get }
    func publish(_ payload: String) async throws
    /// Calls `receive` with every payload published (by any node, this one too) until cancelled
    /// or the connection fails (then it throws; the caller listens again).
    func listen(_ receive: @escaping @Sendable (String) -> Void) async throws
}
