import Crypto
import DurableFiles
import Foundation
import Storage
import WorldModel

/// Appends staff accesses to the transparency log and signs a new tree head each time.
///
/// One writer per process (an actor, appending one entry at a time), with the leaves cached; an
/// append that finds the log grew elsewhere (another node, or `bitgoeul audit` on the same
/// database) reloads and retries. The store orders appends, so the log never forks.
public actor AccessLog {
    public let store: any Store
    private let key: Curve25519.Signing.PrivateKey
    /// The raw 32-byte Ed25519 public key anyone checks tree heads with.
    public nonisolated let publicKey: Data
    private var leaves: [[UInt8]]?
    private var frontier = MerkleFrontier()
    /// The last append this node started; the next waits for it.
    private var appending: Task<Void, Never>?

    public init(store: any Store, key: Curve25519.Signing.PrivateKey) {
        self.store = store
        self.key = key
        self.publicKey = key.publicKey.rawRepresentation
    }

    /// The server's signing key from `dataDirectory`, made (0600, temp file + rename) on first start.
    public static func loadKey(dataDirectory: URL) throws -> Curve25519.Signing.PrivateKey {
        let file = dataDirectory.appendingPathComponent("transparency-ed25519.key")
        do {
            return try SigningKeyFile.loadOrCreate(file)
        } catch let error as SigningKeyFile.Unreadable {
            throw ManifestError(file: error.path, field: "(key)", reason: "not a base64 Ed25519 key")
        }
    }

    /// The tag a person has in the log.
    public func tag(account: Int64) async throws -> String {
        SubjectTag.make(secret: try await store.accountSecret(account: account))
    }

    /// Records that `actor` (an account, or nil for the console operator) saw `subject`'s data.
    @discardableResult
    public func record(
        _ kind: AccessEntry.Kind, subject: Int64, actor: Int64?, role: String, space: String? = nil,
        reportId: Int64? = nil, purpose: String, now: Date
    ) async throws -> Int {
        var actorTag = "operator"
        if let actor { actorTag = try await tag(account: actor) }
        let entry = AccessEntry(
            at: Int64(now.timeIntervalSince1970), kind: kind, subject: try await tag(account: subject),
            actor: actorTag, role: role, space: space,
            reportId: reportId, purpose: purpose)
        // One append at a time from this node (the actor alone would interleave them at each await);
        // only another node's append can then make one retry.
        let previous = appending
        let append = Task { [entry] in
            _ = await previous?.result
            return try await self.append(entry)
        }
        appending = Task { _ = await append.result }
        return try await append.value
    }

    /// Appends one entry at the log's current end; when another node appended first, reloads the
    /// leaves and tries again after a short random pause (at most `appendAttemptsMax` times).
    private func append(_ entry: AccessEntry) async throws -> Int {
        let json = entry.canonicalJSON()
        let leaf = MerkleTree.leafHash(Array(json.utf8))
        for _ in 0..<Self.appendAttemptsMax {
            let index = try await currentLeaves().count
            var grown = frontier
            grown.append(leaf)
            let head = try SignedTreeHead.sign(size: grown.count, timestamp: entry.at, root: grown.root, key: key)
            do {
                try await store.appendAccess(
                    index: index, subject: entry.subject, json: json, leafHash: leaf,
                    head: StoredTreeHead(
                        size: head.size, timestamp: head.timestamp, rootHash: head.rootHash, signature: head.signature))
                leaves?.append(leaf)
                frontier = grown
                return index
            } catch let e as StoreError where e.code == .conflict {
                leaves = nil
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...20)))
            }
        }
        throw StoreError(.conflict, "the transparency log kept changing; try again")
    }

    /// Attempts one append makes before it gives up (each lost only to another node's append).
    public static let appendAttemptsMax = 32

    /// All leaf hashes (cached; reloaded when the log grew elsewhere, e.g. by `bitgoeul audit`).
    public func currentLeaves() async throws -> [[UInt8]] {
        if let leaves, try await store.accessLogSize() == leaves.count { return leaves }
        let loaded = try await store.accessLeaves()
        leaves = loaded
        frontier = MerkleFrontier(leaves: loaded)
        return loaded
    }

    /// Checks the whole stored log against its signed heads (`bitgoeul audit verify`).
    public func audit() async throws -> AuditReport {
        let entries = try await store.accessEntries().map { (json: $0.json, leafHash: $0.leafHash) }
        let heads = try await store.treeHeads().map {
            SignedTreeHead(size: $0.size, timestamp: $0.timestamp, rootHash: $0.rootHash, signature: $0.signature)
        }
        return LogAuditor.verify(entries: entries, heads: heads, publicKey: key.publicKey)
    }
}
