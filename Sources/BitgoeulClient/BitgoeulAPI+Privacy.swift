import Crypto
import Foundation
import Privacy

/// The person's privacy rights from Swift: the encrypted life log, the verified log of staff
/// looks at their data, and erasure. The passphrase never leaves this process.
extension BitgoeulAPI {
    /// The synced life log as stored: revision and sealed envelope.
    public struct SyncedVault: Decodable, Sendable {
        public let revision: Int
        public let vault: VaultEnvelope?
    }

    /// Seals `log` with `passphrase` and stores it; returns the new revision. With
    /// `overRevision` the write only happens over that revision (0: none yet), else `412 vault_changed`.
    @discardableResult
    public func syncLifelog(_ log: Lifelog, passphrase: String, overRevision: Int? = nil) async throws -> Int {
        let plaintext = try JSONEncoder().encode(log)
        let envelope = try LifelogVault.seal(Array(plaintext), passphrase: passphrase)
        let headers = overRevision.map { ["If-Match": "\"\($0)\""] } ?? [:]
        struct Stored: Decodable { let revision: Int }
        let data = try await call("PUT", "/api/v1/me/vault", body: envelope, headers: headers)
        return try JSONDecoder().decode(Stored.self, from: data).revision
    }

    /// The stored life log opened with `passphrase`, or nil when nothing is synced.
    public func openLifelog(passphrase: String) async throws -> (log: Lifelog, revision: Int)? {
        let synced: SyncedVault
        do {
            synced = try JSONDecoder().decode(SyncedVault.self, from: try await call("GET", "/api/v1/me/vault"))
        } catch let failure as Failure where failure.status == 404 {
            return nil
        }
        if synced.revision == 0 { return nil }
        guard let envelope = synced.vault else { throw LifelogVault.Failure.malformed("the server holds no envelope") }
        let plaintext = try LifelogVault.open(envelope, passphrase: passphrase)
        return (try JSONDecoder().decode(Lifelog.self, from: Data(plaintext)), synced.revision)
    }

    /// A staff look the server logged about you, checked against its signed tree head.
    public struct VerifiedAccess: Sendable {
        public let index: Int
        public let entry: AccessEntry
        public let treeSize: Int
    }

    /// Why an access log did not verify.
    public struct AccessLogForgery: Error, CustomStringConvertible {
        public let description: String
    }

    /// Your entries in the transparency log. Each inclusion proof is checked against the tree
    /// head, and the head's signature against the server's published key; any failure throws.
    public func accessLog() async throws -> [VerifiedAccess] {
        struct Head: Decodable {
            let size: Int
            let timestamp: Int64
            let rootHash: String
            let signature: String
        }
        struct Item: Decodable {
            let index: Int
            let entry: String
            let inclusionProof: [String]
        }
        struct Body: Decodable {
            let subject: String
            let treeHead: Head?
            let entries: [Item]
        }
        struct Key: Decodable { let publicKey: String }
        let body = try JSONDecoder().decode(Body.self, from: try await call("GET", "/api/v1/me/access-log"))
        guard let head = body.treeHead else { return [] }
        let published = try JSONDecoder().decode(Key.self, from: try await call("GET", "/api/v1/transparency/key"))
        guard let raw = Data(base64Encoded: published.publicKey),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw AccessLogForgery(description: "the server's key is malformed") }
        let signed = SignedTreeHead(
            size: head.size, timestamp: head.timestamp, rootHash: head.rootHash, signature: head.signature)
        guard signed.verify(publicKey: key), let root = [UInt8](hex: head.rootHash) else {
            throw AccessLogForgery(description: "the tree head is not signed by the server's key")
        }
        return try body.entries.map { item in
            let leaf = MerkleTree.leafHash(Array(item.entry.utf8))
            let proof = item.inclusionProof.compactMap { [UInt8](hex: $0) }
            guard proof.count == item.inclusionProof.count,
                MerkleTree.verifyInclusion(leaf: leaf, index: item.index, size: head.size, proof: proof, root: root)
            else { throw AccessLogForgery(description: "entry \(item.index): the inclusion proof does not verify") }
            let entry = try JSONDecoder().decode(AccessEntry.self, from: Data(item.entry.utf8))
            guard entry.subject == body.subject else {
                throw AccessLogForgery(description: "entry \(item.index) is about someone else")
            }
            return VerifiedAccess(index: item.index, entry: entry, treeSize: head.size)
        }
    }

    /// Erases the signed-in account for good (the password confirms it).
    public func eraseAccount(password: String) async throws {
        _ = try await call("DELETE", "/api/v1/me", body: ["password": password])
    }
}
