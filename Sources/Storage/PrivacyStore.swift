import Foundation

/// A sealed life log as the server holds it: opaque ciphertext with a revision number that goes
/// up with every write, so two devices cannot silently overwrite each other.
public struct StoredVault: Hashable, Sendable {
    public var revision: Int
    /// The envelope's JSON text (ciphertext only; the server has no key).
    public var blob: String
    public var updatedAt: Date

    public init(revision: Int, blob: String, updatedAt: Date) {
        self.revision = revision
        self.blob = blob
        self.updatedAt = updatedAt
    }
}

/// One appended transparency-log entry with its position in the tree.
public struct StoredAccess: Hashable, Sendable {
    public var index: Int
    public var json: String
    public var leafHash: [UInt8]

    public init(index: Int, json: String, leafHash: [UInt8]) {
        self.index = index
        self.json = json
        self.leafHash = leafHash
    }
}

/// A signed tree head as stored (see `Privacy.SignedTreeHead`).
public struct StoredTreeHead: Hashable, Sendable {
    public var size: Int
    public var timestamp: Int64
    public var rootHash: String
    public var signature: String

    public init(size: Int, timestamp: Int64, rootHash: String, signature: String) {
        self.size = size
        self.timestamp = timestamp
        self.rootHash = rootHash
        self.signature = signature
    }
}

/// What erasing an account removed, for the person's confirmation.
public struct AccountErasure: Hashable, Sendable, Codable {
    public var personas = 0
    public var sessions = 0
    public var relations = 0
    public var friendships = 0
    public var reportsTombstoned = 0
    public var vaultDeleted = false

    public init() {}
}

/// How long records about people are kept before the hourly sweep deletes them.
public struct Retention: Hashable, Sendable {
    /// Notices (report outcomes, moderation) after they were sent.
    public var noticesS: TimeInterval = 365 * 86_400
    /// Reports after they were closed (open reports are kept until a moderator closes them).
    public var closedReportsS: TimeInterval = 2 * 365 * 86_400
    /// Moderation actions after they ended (their `until`, else when they were taken); a ban
    /// without an end is kept while it stands.
    public var actionsS: TimeInterval = 2 * 365 * 86_400

    public init() {}
}

/// What one retention sweep deleted.
public struct RetentionSweep: Hashable, Sendable {
    public var notices = 0
    public var reports = 0
    public var actions = 0

    public init() {}
    public var total: Int { notices + reports + actions }
}

/// Durable state for the privacy features: the vault, the transparency log, released statistics
/// with their privacy budget, and account erasure.
public protocol PrivacyStore: Sendable {
    /// The account owning a persona of this name (case-insensitive), for operators' lookups.
    func accountId(personaName: String) async throws -> Int64?

    /// The account's random secret for its transparency tag (made on first use).
    func accountSecret(account: Int64) async throws -> [UInt8]

    func vault(account: Int64) async throws -> StoredVault?
    /// Replaces the vault; with `expectedRevision` the write happens only over that revision
    /// (`conflict` otherwise; 0 means "there is none yet").
    func putVault(account: Int64, blob: String, expectedRevision: Int?, now: Date) async throws -> StoredVault
    func deleteVault(account: Int64) async throws

    /// Appends one entry at `index` with the head over it; `conflict` when `index` is no longer the
    /// log's size (someone appended meanwhile). Entries can never be changed or deleted.
    func appendAccess(index: Int, subject: String, json: String, leafHash: [UInt8], head: StoredTreeHead)
        async throws
    /// How many entries the log holds.
    func accessLogSize() async throws -> Int
    /// Leaf hashes of the whole log, in order.
    func accessLeaves() async throws -> [[UInt8]]
    /// All entries, in order (for the auditor).
    func accessEntries() async throws -> [StoredAccess]
    /// Entries about one subject tag, oldest first.
    func accessEntries(subject: String, limit: Int) async throws -> [StoredAccess]
    func treeHeads() async throws -> [StoredTreeHead]
    func treeHead(size: Int) async throws -> StoredTreeHead?
    func latestTreeHead() async throws -> StoredTreeHead?

    /// Stores one hourly release and spends its ε from the space's daily budget in one step;
    /// throws `limit` (and stores nothing) when it would pass `dailyCap`, `conflict` if the hour
    /// was already released.
    func storeRelease(space: String, hourStart: Int64, day: String, epsilon: Double, dailyCap: Double, json: String)
        async throws
    /// Releases of a space with `hourStart` in [from, to), oldest first.
    func releases(space: String, from: Int64, to: Int64) async throws -> [(hourStart: Int64, json: String)]
    /// ε spent by a space on a day.
    func budgetSpent(space: String, day: String) async throws -> Double

    /// Deletes notices, closed reports and ended moderation actions older than `retention` allows.
    func sweep(retention: Retention, now: Date) async throws -> RetentionSweep

    /// Erases the account: personas, sessions, relations, friendships, roles, notices, vault and
    /// secret go; reports it filed stay with the reporter replaced by a tombstone, and its
    /// persona names are replaced by `tombstone` wherever others' records quote them.
    func eraseAccount(id: Int64, tombstone: String) async throws -> AccountErasure
}
