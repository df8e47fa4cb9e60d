import Crypto
import Foundation

/// One staff look at someone's personal data, as appended to the transparency log.
///
/// It names nobody: `subject` and `actor` are tags derived from per-account secrets
/// (`SubjectTag`), so the log can be shown and kept forever, and an erased account's entries
/// become unlinkable once its secret is gone.
public struct AccessEntry: Codable, Hashable, Sendable {
    /// What was done; fixed words, never free text about the person.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A moderator opened a report's evidence (chat and positions) naming the subject.
        case evidenceOpened = "evidence.opened"
        /// A moderator acted on the subject (warn, mute, kick, suspend, ban, dismiss).
        case moderationAction = "moderation.action"
        /// An operator looked the account up (`bitgoeul audit lookup`).
        case accountLookup = "account.lookup"
        /// An operator exported the account's data for an authority (`bitgoeul audit lookup --out`).
        case authorityExport = "authority.export"
    }

    public var at: Int64
    public var kind: Kind
    /// Tag of the person whose data was seen.
    public var subject: String
    /// Tag of the staff account, or "operator" for someone at the server's console.
    public var actor: String
    /// The staff role that allowed it (moderator, owner, operator).
    public var role: String
    public var space: String?
    public var reportId: Int64?
    /// The stated purpose, at most `purposeLengthMax` characters (a case number, not a name).
    public var purpose: String

    public static let purposeLengthMax = 200

    public init(
        at: Int64, kind: Kind, subject: String, actor: String, role: String, space: String? = nil,
        reportId: Int64? = nil, purpose: String
    ) {
        self.at = at
        self.kind = kind
        self.subject = subject
        self.actor = actor
        self.role = role
        self.space = space
        self.reportId = reportId
        self.purpose = String(purpose.prefix(Self.purposeLengthMax))
    }

    /// The exact bytes hashed into the tree: JSON with sorted keys.
    public func canonicalJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// A per-account tag: SHA-256 of the account's random secret, so the same person always has the
/// same tag and nobody without the secret can tell whose it is.
public enum SubjectTag {
    public static func make(secret: [UInt8]) -> String {
        var h = SHA256()
        h.update(data: Array("bitgoeul-subject-v1".utf8))
        h.update(data: secret)
        return Array(h.finalize().prefix(16)).hex
    }
}

/// A tree head the server vouches for: size, root and time, signed with its Ed25519 key.
public struct SignedTreeHead: Codable, Hashable, Sendable {
    public var size: Int
    public var timestamp: Int64
    /// Hex SHA-256.
    public var rootHash: String
    /// Base64 Ed25519 signature over `signedMessage`.
    public var signature: String

    public init(size: Int, timestamp: Int64, rootHash: String, signature: String) {
        self.size = size
        self.timestamp = timestamp
        self.rootHash = rootHash
        self.signature = signature
    }

    /// The bytes signed: a versioned line, so a signature cannot be replayed for another purpose.
    public static func signedMessage(size: Int, timestamp: Int64, rootHash: String) -> [UInt8] {
        Array("bitgoeul-tree-head-v1\n\(size)\n\(timestamp)\n\(rootHash)\n".utf8)
    }

    public static func sign(size: Int, timestamp: Int64, root: [UInt8], key: Curve25519.Signing.PrivateKey) throws
        -> SignedTreeHead
    {
        let message = signedMessage(size: size, timestamp: timestamp, rootHash: root.hex)
        let signature = try key.signature(for: message)
        return SignedTreeHead(
            size: size, timestamp: timestamp, rootHash: root.hex, signature: Data(signature).base64EncodedString())
    }

    /// Whether the signature is the holder of `publicKey`'s over this head.
    public func verify(publicKey: Curve25519.Signing.PublicKey) -> Bool {
        guard let sig = Data(base64Encoded: signature) else { return false }
        return publicKey.isValidSignature(
            sig, for: Self.signedMessage(size: size, timestamp: timestamp, rootHash: rootHash))
    }
}

/// What `bitgoeul audit verify` found.
public struct AuditReport: Sendable, CustomStringConvertible {
    public var entries = 0
    public var heads = 0
    public var problems: [String] = []
    public var ok: Bool { problems.isEmpty }

    public init() {}

    public var description: String {
        if ok { return "ok: \(entries) entries, \(heads) signed tree heads verified" }
        return "FAILED: \(problems.count) problem(s) in \(entries) entries, \(heads) heads\n"
            + problems.prefix(50).map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Checks a whole log: each stored leaf hash against its entry, each signed head's root and
/// signature against the leaves, and consistency proofs between successive heads.
public enum LogAuditor {
    public static func verify(
        entries: [(json: String, leafHash: [UInt8])], heads: [SignedTreeHead], publicKey: Curve25519.Signing.PublicKey
    ) -> AuditReport {
        var report = AuditReport()
        report.entries = entries.count
        report.heads = heads.count
        var leaves: [[UInt8]] = []
        leaves.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() {
            let recomputed = MerkleTree.leafHash(Array(e.json.utf8))
            if recomputed != e.leafHash {
                report.problems.append("entry \(i): stored leaf hash does not match its text")
            }
            if (try? JSONDecoder().decode(AccessEntry.self, from: Data(e.json.utf8))) == nil {
                report.problems.append("entry \(i): not a well-formed access entry")
            }
            leaves.append(recomputed)
        }
        var previous: (size: Int, root: [UInt8])?
        for head in heads.sorted(by: { $0.size < $1.size }) {
            guard head.verify(publicKey: publicKey) else {
                report.problems.append("tree head \(head.size): signature is not the server's")
                continue
            }
            guard head.size <= leaves.count, head.size >= 1 else {
                report.problems.append("tree head \(head.size): the log holds only \(leaves.count) entries")
                continue
            }
            let root = MerkleTree.root(leaves[0..<head.size])
            guard root.hex == head.rootHash else {
                report.problems.append("tree head \(head.size): root differs from the entries (changed or deleted)")
                continue
            }
            if let p = previous, p.size < head.size {
                let proof = MerkleTree.consistencyProof(first: p.size, leaves: leaves[0..<head.size])
                if !MerkleTree.verifyConsistency(
                    first: p.size, firstRoot: p.root, second: head.size, secondRoot: root, proof: proof)
                {
                    report.problems.append("tree heads \(p.size)→\(head.size): not consistent")
                }
            }
            previous = (head.size, root)
        }
        if let last = previous, last.size < leaves.count {
            report.problems.append("entries \(last.size)…\(leaves.count - 1) are not covered by any signed tree head")
        }
        return report
    }
}
