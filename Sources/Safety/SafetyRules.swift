import Foundation
import Realtime
import Storage
import Synchronization

/// Loads an account's live safety rules from the store and keeps the board in step with it.
struct SafetyRules: Sendable {
    let store: any Store
    let board: SafetyBoard

    /// Blocks either way, mutes, friends and active sanctions of an account.
    func load(account: Int64, now: Date = Date()) async throws -> PartyRules {
        var rules = PartyRules()
        rules.hidden = try await store.blockedEitherWay(account: account)
        rules.muted = Set(try await store.relations(owner: account).filter { $0.kind == .mute }.map(\.targetAccount))
        rules.friends = Set(
            try await store.friendships(account: account).filter(\.accepted).map { $0.other(than: account).account })
        for action in try await store.actions(concerning: account, limit: 500) where action.isActive(at: now) {
            let until = action.until ?? .distantFuture
            switch action.kind {
            case .mute:
                rules.mutedIn[action.space] = max(rules.mutedIn[action.space] ?? .distantPast, until)
            case .kick, .suspend, .ban:
                rules.barredFrom[action.space] = max(rules.barredFrom[action.space] ?? .distantPast, until)
            case .warn, .dismiss:
                break
            }
        }
        return rules
    }

    /// Reloads the rules of each online account among `accounts` (guests live only on the board).
    func refresh(_ accounts: Int64...) async throws {
        for account in accounts where account > 0 && board.connections(of: account) > 0 {
            board.reload(account, rules: try await load(account: account))
        }
    }
}

/// Masks words from a configurable list (Korean and English) in chat, case-insensitively.
public struct WordFilter: Sendable {
    /// Each word as lower-cased characters.
    private let words: [[String]]
    public static let wordsMax = 10_000

    public init(words: [String]) {
        self.words = words.prefix(Self.wordsMax).compactMap { word in
            let w = word.trimmingCharacters(in: .whitespaces)
            return w.isEmpty ? nil : w.map { $0.lowercased() }
        }
    }

    /// Reads one word per line; blank lines and lines starting with `#` are skipped.
    public init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        self.init(words: text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("#") })
    }

    public var isEmpty: Bool { words.isEmpty }

    /// The text with every listed word replaced by as many `*`.
    public func mask(_ text: String) -> String {
        guard !words.isEmpty else { return text }
        var chars = Array(text)
        let lowered = chars.map { $0.lowercased() }
        for word in words where word.count <= lowered.count {
            var k = 0
            while k + word.count <= lowered.count {
                if lowered[k] == word[0] && Array(lowered[k..<(k + word.count)]) == word {
                    for m in k..<(k + word.count) { chars[m] = "*" }
                    k += word.count
                } else {
                    k += 1
                }
            }
        }
        return String(chars)
    }
}

/// Finds web links in chat, which personas younger than a day may not post.
enum LinkDetector {
    nonisolated(unsafe) static let pattern = try! Regex(
        #"(?i)(https?://|www\.|\b[a-z0-9-]+\.(com|net|org|kr|io|co|me|ly|gg|xyz|info|biz|link|site|shop|app)\b)"#)

    static func containsLink(_ text: String) -> Bool {
        text.contains(pattern)
    }
}

/// Rate limits per account, shared by all of its connections (chat, joins, reports).
final class AccountLimiter: Sendable {
    struct Buckets {
        var chat: TokenBucket
        var joins: TokenBucket
        var reports: TokenBucket
    }

    enum Kind { case chat, join, report }

    private let buckets = Mutex<[Int64: Buckets]>([:])
    private let limits: ConnectionLimits
    /// Accounts tracked at once; past it idle entries are dropped (they refill to full anyway).
    static let accountsMax = 100_000

    init(limits: ConnectionLimits) { self.limits = limits }

    /// Takes a token of `kind` for `account`; false when the account is over its rate.
    func take(_ kind: Kind, account: Int64) -> Bool {
        let now = monotonicSeconds()
        return buckets.withLock { all in
            if all[account] == nil {
                if all.count >= Self.accountsMax { all.removeAll(keepingCapacity: true) }
                all[account] = Buckets(
                    chat: TokenBucket(ratePerS: limits.accountChatPerS, burst: limits.accountChatBurst, nowS: now),
                    joins: TokenBucket(ratePerS: limits.accountJoinsPerS, burst: limits.accountJoinsBurst, nowS: now),
                    reports: TokenBucket(ratePerS: limits.reportsPerS, burst: limits.reportsBurst, nowS: now))
            }
            switch kind {
            case .chat: return all[account]!.chat.take(nowS: now)
            case .join: return all[account]!.joins.take(nowS: now)
            case .report: return all[account]!.reports.take(nowS: now)
            }
        }
    }
}
