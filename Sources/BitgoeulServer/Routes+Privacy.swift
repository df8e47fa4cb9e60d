import Foundation
import Hummingbird
import Privacy
import Realtime
import Storage

/// The person's own data rights: the encrypted life-log vault, the log of staff looks at their
/// data (with proofs), and erasure. Plus the public face of the transparency log.
enum PrivacyRoutes {
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

    struct HeadBody: Encodable {
        let size: Int
        let timestamp: Int64
        let rootHash: String
        let signature: String
        let publicKey: String
        let algorithm = "Ed25519"
        let signedMessage: String
    }

    struct ConsistencyBody: Encodable {
        let first: Int
        let second: Int
        let proof: [String]
    }

    struct ErasureInput: Decodable {
        let password: String
    }

    static let accessEntriesMax = 1000
    static let tombstone = "(erased)"

    static func add(to router: Router<BitgoeulRequestContext>, services: Services) {
        router.get("/api/v1/me/vault") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            guard let stored = try await services.store.vault(account: account) else {
                // Nothing synced yet: revision 0, what a first write names in If-Match.
                return JSON.response(VaultBody(revision: 0, updatedAt: nil, bytes: 0, vault: nil))
            }
            let envelope = try? JSONDecoder().decode(VaultEnvelope.self, from: Data(stored.blob.utf8))
            return JSON.response(
                VaultBody(
                    revision: stored.revision, updatedAt: stored.updatedAt, bytes: stored.blob.utf8.count,
                    vault: envelope))
        }

        router.put("/api/v1/me/vault") { request, context -> Response in
            let account = try await services.requireAccount(request)
            let limit = services.config.vaultBytesMax
            // Base64 grows 4/3; the envelope's other fields fit in 4 KiB.
            let envelope = try await request.decode(
                as: VaultEnvelope.self, context: context.allowingBodies(upTo: limit * 4 / 3 + 4096))
            if let problem = envelope.problem(ciphertextBytesMax: limit) {
                throw APIError.invalid("vault", problem)
            }
            var expected: Int?
            if let match = request.headers[.ifMatch] {
                guard let n = Int(match.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))), n >= 0 else {
                    throw APIError.invalid("If-Match", "the revision you last read, as a number (0: none yet)")
                }
                expected = n
            }
            let json = String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self)
            do {
                let stored = try await services.store.putVault(
                    account: account, blob: json, expectedRevision: expected, now: Date())
                return JSON.response(
                    VaultBody(
                        revision: stored.revision, updatedAt: stored.updatedAt, bytes: json.utf8.count, vault: nil))
            } catch let e as StoreError where e.code == .conflict {
                throw APIError(.preconditionFailed, "vault_changed", "\(e.message): read it again and merge")
            }
        }

        router.delete("/api/v1/me/vault") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            try await services.store.deleteVault(account: account)
            return Response(status: .noContent)
        }

        router.get("/api/v1/me/access-log") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            let tag = try await services.accessLog.tag(account: account)
            let entries = try await services.store.accessEntries(subject: tag, limit: accessEntriesMax)
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
            return JSON.response(AccessLogBody(subject: tag, treeHead: headBody(head, services), entries: items))
        }

        router.get("/api/v1/transparency/head") { _, _ -> Response in
            guard let head = try await services.store.latestTreeHead() else {
                throw APIError(.notFound, "empty_log", "no staff access has been logged yet")
            }
            return JSON.response(headBody(head, services))
        }

        router.get("/api/v1/transparency/consistency") { request, _ -> Response in
            let q = request.uri.queryParameters
            let leaves = try await services.accessLog.currentLeaves()
            guard let first = q.get("first").flatMap(Int.init), let second = q.get("second").flatMap(Int.init),
                first >= 1, first <= second, second <= leaves.count
            else {
                throw APIError.invalid("first, second", "sizes with 1 ≤ first ≤ second ≤ \(leaves.count)")
            }
            let proof = MerkleTree.consistencyProof(first: first, leaves: leaves[0..<second])
            return JSON.response(ConsistencyBody(first: first, second: second, proof: proof.map(\.hex)))
        }

        router.get("/api/v1/transparency/key") { _, _ -> Response in
            JSON.response([
                "algorithm": "Ed25519",
                "publicKey": services.accessLog.publicKey.base64EncodedString(),
            ])
        }

        router.delete("/api/v1/me") { request, context -> Response in
            let account = try await services.requireAccount(request)
            let input = try await request.decode(as: ErasureInput.self, context: context)
            guard let found = try await services.store.account(id: account),
                let stored = try await services.store.account(username: found.username),
                try await services.hasher.verify(input.password, against: stored.passwordHash)
            else {
                throw APIError(.forbidden, "password_wrong", "to erase your account, give its password")
            }
            // Live avatars go first, so nothing new is said or seen under the erased personas.
            for live in services.engine.safety.entities(of: account) {
                live.link.post(system: .remove(reason: "your account was erased; its personas are gone"))
            }
            let erasure = try await services.store.eraseAccount(id: account, tombstone: tombstone)
            // Like a ban, erasure ends every live connection of the account, including those in no
            // space, and any that registers in the moment after.
            services.connections.end(
                account: account, code: ConnectionRegistry.erasedCode, reason: ConnectionRegistry.erasedReason,
                forGood: true)
            services.engine.safety.detach(account)
            return JSON.response(erasure)
        }
    }

    struct EmptyLogBody: Encodable {
        let subject: String
        let entries: [AccessItem]
    }

    struct AccessLogBody: Encodable {
        let subject: String
        let treeHead: HeadBody
        let entries: [AccessItem]
    }

    static func headBody(_ h: StoredTreeHead, _ services: Services) -> HeadBody {
        HeadBody(
            size: h.size, timestamp: h.timestamp, rootHash: h.rootHash, signature: h.signature,
            publicKey: services.accessLog.publicKey.base64EncodedString(),
            signedMessage: String(
                decoding: SignedTreeHead.signedMessage(size: h.size, timestamp: h.timestamp, rootHash: h.rootHash),
                as: UTF8.self))
    }
}
