import Safety

/// Token-bucket rates per connection: what a well-behaved client never reaches.
public struct ConnectionLimits: Sendable {
    public var movesPerS = 30.0
    public var movesBurst = 40.0
    public var chatPerS = 1.0
    public var chatBurst = 5.0
    public var joinsPerS = 0.5
    public var joinsBurst = 4.0
    public var presencePerS = 1.0
    public var presenceBurst = 3.0
    public var pingsPerS = 2.0
    public var pingsBurst = 5.0
    /// Malformed messages tolerated (per second, burst) before the connection is closed.
    public var errorsPerS = 1.0
    public var errorsBurst = 32.0
    /// Messages refused for rate (per second, burst) before the connection is closed as a flood.
    public var violationsPerS = 5.0
    public var violationsBurst = 100.0
    /// Blocks, mutes and friend requests per connection.
    public var relatePerS = 0.5
    public var relateBurst = 5.0
    /// Per account, across its connections.
    public var accountChatPerS = 2.0
    public var accountChatBurst = 8.0
    public var accountJoinsPerS = 1.0
    public var accountJoinsBurst = 6.0
    /// Reports per account (or guest connection): one every 30 s, three at once.
    public var reportsPerS = 1.0 / 30
    public var reportsBurst = 3.0

    public init() {}
}

extension AccountLimiter {
    /// The per-account limits of `limits`.
    public convenience init(limits l: ConnectionLimits, monotonicS: @escaping @Sendable () -> Double) {
        self.init(
            chat: Rate(perS: l.accountChatPerS, burst: l.accountChatBurst),
            joins: Rate(perS: l.accountJoinsPerS, burst: l.accountJoinsBurst),
            reports: Rate(perS: l.reportsPerS, burst: l.reportsBurst), monotonicS: monotonicS)
    }
}
