import Crypto
import Foundation
import WorldModel

/// Support or opposition to one version of a proposal.
public enum Stance: String, Sendable, Codable, CaseIterable {
    case support, oppose
}

/// The public tally of one version.
public struct Tally: Hashable, Sendable, Codable {
    public var support: Int
    public var oppose: Int

    public init(support: Int = 0, oppose: Int = 0) {
        self.support = support
        self.oppose = oppose
    }
}

/// One voice per account without a voter list (docs/planning.md "Voting without a voter list").
///
/// A vote is stored under `HMAC-SHA256(key, account)` with a random key per proposal. While the
/// period is open the server can find an account's own vote (to replace it, or show it back);
/// once the key is destroyed at the close, nobody can tell whose vote is whose, even with the
/// whole database.
public enum Ballot {
    public static let keyBytes = 32

    /// A fresh random key for a proposal.
    public static func newKey() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<keyBytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The voter's pseudonym under `key`: the same account always gives the same bytes, whatever
    /// persona it votes with.
    public static func voter(account: Int64, key: Data) -> Data {
        precondition(key.count == keyBytes, "a proposal's ballot key is \(keyBytes) bytes")
        let message = withUnsafeBytes(of: account.bigEndian) { Data($0) }
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}

/// The rules of the discussion under a proposal.
public enum Discussion {
    public static let textMax = 1000
    /// An author may correct a comment this long after writing it.
    public static let editWindowS = 600.0
    /// Comments and votes an account may send a minute, across proposals.
    public static let actionsPerMinute = 10
    /// Comments one proposal keeps (all versions).
    public static let commentsMax = 20_000

    /// Why `text` cannot be a comment, or nil.
    public static func textProblem(_ text: String) -> FieldProblem? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return FieldProblem("text", "is empty") }
        guard text.count <= textMax else { return FieldProblem("text", "at most \(textMax) characters") }
        return nil
    }

    /// Whether an author may still edit a comment written at `created`.
    public static func editable(created: Date, now: Date) -> Bool {
        now.timeIntervalSince(created) <= editWindowS
    }
}
