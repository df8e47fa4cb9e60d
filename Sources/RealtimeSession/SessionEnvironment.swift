import Accounts
import Clocks
import Realtime
import Safety

/// What a connection's state machine reads and posts to without waiting: the spaces, the safety
/// board, the shared rate limits and the clock. Store look-ups are not here: the machine asks for
/// them as actions (`ConnectionStateMachine.Request`).
public struct SessionEnvironment: Sendable {
    public var directory: SpaceDirectory
    public var board: SafetyBoard
    public var limits: ConnectionLimits
    public var accountLimits: AccountLimiter
    public var personaSwitch: PersonaSwitchGuard
    public var words: WordFilter
    public var clock: ServiceClock
    public var realtime: RealtimeConfig
    /// Connections one account may hold open at once.
    public var connectionsPerAccountMax: Int
    /// Reports one account may file in a day.
    public var reportsPerDayMax: Int
    /// Redirects to other nodes of the cluster and checks their tickets (nil on a single server).
    public var handoffs: (any Handoffs)?
    /// Checks the travel tickets of visitors from peer cities (nil outside a federation).
    public var travel: (any TravelDesk)?

    public init(
        directory: SpaceDirectory, board: SafetyBoard, limits: ConnectionLimits, accountLimits: AccountLimiter,
        personaSwitch: PersonaSwitchGuard, words: WordFilter, clock: ServiceClock, realtime: RealtimeConfig,
        connectionsPerAccountMax: Int, reportsPerDayMax: Int, handoffs: (any Handoffs)? = nil,
        travel: (any TravelDesk)? = nil
    ) {
        self.handoffs = handoffs
        self.travel = travel
        self.directory = directory
        self.board = board
        self.limits = limits
        self.accountLimits = accountLimits
        self.personaSwitch = personaSwitch
        self.words = words
        self.clock = clock
        self.realtime = realtime
        self.connectionsPerAccountMax = connectionsPerAccountMax
        self.reportsPerDayMax = reportsPerDayMax
    }
}

/// The connection's own token buckets: what one socket may send, whoever it speaks for.
struct ConnectionBuckets {
    var chats: TokenBucket
    var joins: TokenBucket
    var presence: TokenBucket
    var pings: TokenBucket
    var errors: TokenBucket
    var violations: TokenBucket
    var relates: TokenBucket
    var reports: TokenBucket

    init(_ l: ConnectionLimits, nowS now: Double) {
        chats = TokenBucket(ratePerS: l.chatPerS, burst: l.chatBurst, nowS: now)
        joins = TokenBucket(ratePerS: l.joinsPerS, burst: l.joinsBurst, nowS: now)
        presence = TokenBucket(ratePerS: l.presencePerS, burst: l.presenceBurst, nowS: now)
        pings = TokenBucket(ratePerS: l.pingsPerS, burst: l.pingsBurst, nowS: now)
        errors = TokenBucket(ratePerS: l.errorsPerS, burst: l.errorsBurst, nowS: now)
        violations = TokenBucket(ratePerS: l.violationsPerS, burst: l.violationsBurst, nowS: now)
        relates = TokenBucket(ratePerS: l.relatePerS, burst: l.relateBurst, nowS: now)
        reports = TokenBucket(ratePerS: l.reportsPerS, burst: l.reportsBurst, nowS: now)
    }
}
