import Realtime
import Synchronization

/// Rate limits per account, shared by all of its connections (chat, joins, reports).
public final class AccountLimiter: Sendable {
    /// A token-bucket rate.
    public struct Rate: Sendable {
        public var perS: Double
        public var burst: Double

        public init(perS: Double, burst: Double) {
            self.perS = perS
            self.burst = burst
        }
    }

    struct Buckets {
        var chat: TokenBucket
        var joins: TokenBucket
        var reports: TokenBucket
    }

    public enum Kind: Sendable { case chat, join, report }

    private let buckets = Mutex<[Int64: Buckets]>([:])
    private let chat: Rate
    private let joins: Rate
    private let reports: Rate
    private let monotonicS: @Sendable () -> Double
    /// Accounts remembered at once; past it the table starts afresh (everyone gets a full bucket).
    public static let accountsMax = 100_000

    public init(chat: Rate, joins: Rate, reports: Rate, monotonicS: @escaping @Sendable () -> Double) {
        self.chat = chat
        self.joins = joins
        self.reports = reports
        self.monotonicS = monotonicS
    }

    /// Takes one token of `kind` from the account's bucket; false when it is empty.
    public func take(_ kind: Kind, account: Int64) -> Bool {
        let now = monotonicS()
        return buckets.withLock { all in
            if all[account] == nil {
                if all.count >= Self.accountsMax { all.removeAll(keepingCapacity: true) }
                all[account] = Buckets(
                    chat: TokenBucket(ratePerS: chat.perS, burst: chat.burst, nowS: now),
                    joins: TokenBucket(ratePerS: joins.perS, burst: joins.burst, nowS: now),
                    reports: TokenBucket(ratePerS: reports.perS, burst: reports.burst, nowS: now))
            }
            switch kind {
            case .chat: return all[account]!.chat.take(nowS: now)
            case .join: return all[account]!.joins.take(nowS: now)
            case .report: return all[account]!.reports.take(nowS: now)
            }
        }
    }
}
