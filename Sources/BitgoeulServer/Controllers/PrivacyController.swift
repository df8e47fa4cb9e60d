import Cluster
import Foundation
import Hummingbird
import Missions
import Privacy
import Realtime
import Storage
import Wire
import WorldModel

/// The person's own data rights: the encrypted life-log vault, the log of staff looks at their
/// data (with proofs), and erasure. The public face of the log is `TransparencyController`.
struct PrivacyController {
    let services: Services

    struct VaultBody: Encodable {
        let revision: Int
        let updatedAt: Date?
        let bytes: Int
        let vault: VaultEnvelope?
    }

    struct AccessItem: Encodable {
        let index: Int
        /// The exact text hashed into the log (hash it yourself to check the proof).
        let entry: String
        let leafHash: String
        let inclusionProof: [String]
    }

    struct EmptyLogBody: Encodable {
        let subject: String
        let entries: [AccessItem]
    }

    struct AccessLogBody: Encodable {
        let subject: String
        let treeHead: TransparencyController.HeadBody
        let entries: [AccessItem]
    }

    struct ErasureInput: Decodable {
        let password: String
    }

    static let accessEntriesMax = 1000
    static let tombstone = "(erased)"

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/api/v1/me/vault", use: readVault)
            .put("/api/v1/me/vault", use: writeVault)
            .delete("/api/v1/me/vault", use: deleteVault)
            .get("/api/v1/me/access-log", use: accessLog)
            .delete("/api/v1/me", use: erase)
    }

    @Sendable func readVault(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        guard let stored = try await services.store.vault(account: account) else {
            // Nothing synced yet: revision 0, what a first write names in If-Match.
            return JSON.response(VaultBody(revision: 0, updatedAt: nil, bytes: 0, vault: nil))
        }
        let envelope = try? JSONDecoder().decode(VaultEnvelope.self, from: Data(stored.blob.utf8))
        return JSON.response(
            VaultBody(
                revision: stored.revision, updatedAt: stored.updatedAt, bytes: stored.blob.utf8.count, vault: envelope))
    }

    @Sendable func writeVault(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let limit = services.config.vaultBytesMax
        // Base64 grows 4/3; the envelope's other fields fit in 4 KiB.
        let envelope = try await request.decode(
            as: VaultEnvelope.self, context: context.allowingBodies(upTo: limit * 4 / 3 + 4096))
        if let problem = envelope.problem(ciphertextBytesMax: limit) {
            throw APIError.invalid("vault", problem)
        }
        let expected = try Self.expectedRevision(request)
        let json = String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self)
        do {
            let stored = try await services.store.putVault(
                account: account, blob: json, expectedRevision: expected, now: services.now())
            return JSON.response(
                VaultBody(revision: stored.revision, updatedAt: stored.updatedAt, bytes: json.utf8.count, vault: nil))
        } catch let e as StoreError where e.code == .conflict {
            throw APIError(.preconditionFailed, "vault_changed", "\(e.message): read it again and merge")
        }
    }

    @Sendable func deleteVault(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        try await services.store.deleteVault(account: account)
        return Response(status: .noContent)
    }

    /// The staff looks at the person's data, each with its proof against the latest signed head.
    @Sendable func accessLog(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let tag = try await services.accessLog.tag(account: account)
        let entries = try await services.store.accessEntries(subject: tag, limit: Self.accessEntriesMax)
        let leaves = try await services.accessLog.currentLeaves()
        var found = try await services.store.treeHead(size: leaves.count)
        if found == nil { found = try await services.store.latestTreeHead() }
        guard let head = found else {
            return JSON.response(EmptyLogBody(subject: tag, entries: []))
        }
        let covered = leaves[0..<min(head.size, leaves.count)]
        let shown = entries.filter { $0.index < covered.count }
        let proofs = MerkleTree.inclusionProofs(indices: shown.map(\.index), leaves: covered)
        let items = zip(shown, proofs).map { e, proof in
            AccessItem(index: e.index, entry: e.json, leafHash: e.leafHash.hex, inclusionProof: proof.map(\.hex))
        }
        return JSON.response(
            AccessLogBody(
                subject: tag, treeHead: TransparencyController.headBody(head, services), entries: items))
    }

    static let erasedRemoval = "your account was erased; its personas are gone"

    /// Erases the account once its password confirms it, ending its live avatars and connections first.
    @Sendable func erase(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let input = try await request.decode(as: ErasureInput.self, context: context)
        guard try await passwordMatches(input.password, account: account) else {
            throw APIError(.forbidden, "password_wrong", "to erase your account, give its password")
        }
        // Live avatars go first, on every node, so nothing new is said or seen under the erased personas.
        for live in services.engine.safety.entities(of: account) {
            live.link.post(system: .remove(reason: Self.erasedRemoval))
        }
        let personas = Set(try await services.store.personas(accountId: account).map(\.id))
        let erasure = try await services.store.eraseAccount(id: account, tombstone: Self.tombstone)
        // Plays in progress hold a last fix: forgotten with the account, not ten minutes later.
        services.missions.withDesk { $0.forget(personas: personas, account: account) }
        // Like a ban, erasure ends every live connection of the account, including those in no
        // space, and any that registers in the moment after.
        await services.everywhere(
            .end(
                account: account, code: ConnectionRegistry.erasedCode, reason: ConnectionRegistry.erasedReason,
                forGood: true, removal: Self.erasedRemoval))
        return JSON.response(erasure)
    }

    func passwordMatches(_ password: String, account: Int64) async throws -> Bool {
        guard let found = try await services.store.account(id: account),
            let stored = try await services.store.account(username: found.username)
        else { return false }
        return try await services.verifyPassword(password, against: stored.passwordHash)
    }

    /// The revision named in `If-Match` (nil: none named, overwrite whatever is there).
    static func expectedRevision(_ request: Request) throws -> Int? {
        guard let match = request.headers[.ifMatch] else { return nil }
        guard let n = Int(match.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))), n >= 0 else {
            throw APIError.invalid("If-Match", "the revision you last read, as a number (0: none yet)")
        }
        return n
    }
}
