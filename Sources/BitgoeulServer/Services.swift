import Accounts
import Clocks
import Cluster
import Docent
import Federation
import Foundation
import Geo
import Logging
import Missions
import Privacy
import Realtime
import RealtimeSession
import Safety
import Storage
import Synchronization
import WorldModel

/// What the handlers share: config, store, world and the running real-time engine.
public struct Services: Sendable {
    public let config: ServerConfig
    public let store: any Store
    public let world: World
    public let engine: RealtimeEngine
    public let hasher: PasswordHasher
    /// The gu and dong each space's anchor lies in, by space id (empty where no boundary covers it).
    public let areas: [String: [AdminArea]]
    let admission: Admission
    let logger: Logger
    let rules: SafetyRules
    /// Words masked in chat.
    public let words: WordFilter
    let accountLimits: AccountLimiter
    /// Report evidence, in memory only.
    let evidence = EvidenceVault()
    /// The docent over the catalogue, and the exhibitions on show.
    let docentHolder: DocentHolder
    /// Model calls allowed per second, server-wide.
    let llmBudget: LLMBudget
    /// The docent as it stands now (narration edits rebuild it).
    var docent: Docent { docentHolder.current }
    let exhibitions: ExhibitionBook
    /// Missions, the plays in progress and today's completion tally (in memory).
    let missions: MissionHall
    /// Proposals, their layers and effects jobs (docs/planning.md).
    let planningDesk: PlanningDesk
    /// Crowds of digital humans started in live spaces.
    let crowds = CrowdRegistry()
    /// Parcels of spaces this node stopped serving, on their way to the next node (a cluster only).
    let parcels = ParcelDeliveries()
    /// The transparency log of staff accesses to personal data.
    public let accessLog: AccessLog
    /// Delays an account's entry as another persona right after one left.
    let personaSwitch: PersonaSwitchGuard
    /// Failed sign-ins per account and per address, with back-off.
    let signIns: SignInGuard<ClientAddress>
    /// Live connections by account, so erasure and bans can end them.
    let connections = ConnectionRegistry()
    /// Open sockets, against `config.http.socketsMax`.
    let sockets: SocketCounter

    /// The wall and monotonic clocks every handler reads.
    /// This node's part in a cluster (nil for a single server).
    public var cluster: ClusterMember?
    let handoffs: HandoffTickets?
    let coordination: (any Coordination)?
    /// Sends changes to the other nodes of the cluster (nil for a single server).
    let events: ClusterEvents?
    /// This city's part in a federation of cities (nil when it federates with none).
    let federation: FederationNode?

    public var clock: ServiceClock { config.clock }

    /// The account behind a bearer token, or nil when it is unknown or expired.
    func account(forToken token: String) async throws -> Int64? {
        try await SessionToken.account(forToken: token, in: store, now: clock.now())
    }

    /// What every real-time connection's state machine reads.
    var sessionEnvironment: SessionEnvironment {
        SessionEnvironment(
            directory: engine.directory, board: engine.safety, limits: config.limits, accountLimits: accountLimits,
            personaSwitch: personaSwitch, words: words, clock: clock, realtime: config.realtime,
            connectionsPerAccountMax: config.connectionsPerAccountMax, reportsPerDayMax: config.reportsPerDayMax,
            handoffs: handoffs, travel: federation.map { VisitorDesk(federation: $0, logger: logger) })
    }

    /// What carries out the requests of real-time connections.
    var sessionEffects: SessionEffects {
        SessionEffects(store: store, rules: rules, evidence: evidence, clock: clock, tickets: coordination)
    }
}

/// Bounds on WebSocket connections: how many at once, and how fast new ones are let in, server-wide
/// and per client address, so one greedy client cannot use up everyone's admissions.
final class Admission: Sendable {
    private struct Buckets {
        var global: TokenBucket
        var perAddress: [ClientAddress: TokenBucket] = [:]
    }

    private let open = Atomic<Int>(0)
    private let buckets: Mutex<Buckets>
    private let clock: @Sendable () -> Double
    let openMax: Int
    let perAddressPerS: Double
    /// Addresses with a partly spent bucket remembered at once; past it, full buckets are dropped.
    static let addressesMax = 100_000

    init(
        openMax: Int, perSecond: Double, perAddressPerSecond: Double,
        clock: @escaping @Sendable () -> Double = systemMonotonicSeconds
    ) {
        self.openMax = openMax
        self.perAddressPerS = perAddressPerSecond
        self.clock = clock
        buckets = Mutex(Buckets(global: TokenBucket(ratePerS: perSecond, burst: max(1, perSecond), nowS: clock())))
    }

    enum Verdict { case admitted, full, tooFast }

    /// Takes a place for a new connection from `address`; call `leave()` when it closes (only if admitted).
    func enter(from address: ClientAddress) -> Verdict {
        let now = clock()
        let rate = perAddressPerS
        let allowed = buckets.withLock { b -> Bool in
            // The address's own share first, so a greedy client's refusals spend nobody else's budget.
            var mine = b.perAddress[address] ?? TokenBucket(ratePerS: rate, burst: max(1, 2 * rate), nowS: now)
            let granted = mine.take(nowS: now) && b.global.take(nowS: now)
            b.perAddress[address] = mine
            if b.perAddress.count > Self.addressesMax {
                b.perAddress = b.perAddress.filter { !$0.value.isFull(nowS: now) }
            }
            return granted
        }
        guard allowed else { return .tooFast }
        guard open.add(1, ordering: .relaxed).newValue <= openMax else {
            open.subtract(1, ordering: .relaxed)
            return .full
        }
        return .admitted
    }

    func leave() { open.subtract(1, ordering: .relaxed) }
    var current: Int { open.load(ordering: .relaxed) }
}

extension Services {
    /// The account's role in `space`: the higher of its role there and its role for every space (`*`).
    func role(of account: Int64, in space: String) async throws -> SpaceRole {
        let roles = try await store.roles(account: account)
        return max(roles[space] ?? .visitor, roles["*"] ?? .visitor)
    }
}
