import Accounts
import Clocks
import Cluster
import Docent
import Federation
import Foundation
import Planning
import Privacy
import Realtime
import RealtimeSession
import Storage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a server is set up: where it listens, where its data and world live, and its limits.
public struct ServerConfig: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port = 8080
    /// Holds `bitgoeul.sqlite`; created if missing.
    public var dataDirectory = URL(fileURLWithPath: "var")
    /// Region directories (each with a `region.json`).
    public var worldDirectories = [URL(fileURLWithPath: "worlds/gwangju")]
    /// Administrative boundaries (GeoJSON) used to say which gu and dong each space lies in.
    public var boundariesDirectory: URL? = URL(fileURLWithPath: "worlds/boundaries")
    /// Static web client; served at `/` when the folder exists.
    public var webDirectory: URL? = URL(fileURLWithPath: "Web")
    public var realtime = RealtimeConfig()
    public var tickThreads = 1
    /// Threads serving sockets; nil for one per core this process may run on (its CPU affinity,
    /// so `taskset -c 0` gives one, which then writes a whole tick's frames in one turn).
    public var eventLoopThreads: Int?
    public var passwordIterations = PasswordHasher.iterationsDefault
    public var sessionLifetimeS: TimeInterval = 30 * 24 * 3600
    public var personasPerAccountMax = 5
    /// Connections open at once, and new WebSocket connections admitted per second (burst = rate).
    public var connectionsMax = 20_000
    public var connectionsPerSecond = 500.0
    /// New WebSocket connections one client address may open per second (burst twice that), within
    /// `connectionsPerSecond`.
    public var connectionsPerAddressPerSecond = 20.0
    /// Other sites' origins (`https://host[:port]`) allowed to call the API from a browser; none by
    /// default (same origin only).
    public var allowedOrigins: Set<String> = []
    /// Proxies (exact IP addresses) whose `X-Forwarded-For` names the client, e.g. nginx on 127.0.0.1.
    public var trustedProxies: Set<String> = []
    /// Failed sign-ins before back-off, its growth, and how long counts are kept.
    public var signInPolicy = SignInPolicy()
    /// Time limits and caps for HTTP connections (slow and silent clients).
    public var http = HTTPLimits()
    /// Serve HTTPS and WSS with this certificate chain and key (PEM files); plain HTTP when nil.
    public var tls: TLSFiles?
    /// Per-connection limits, per second with a burst.
    public var limits = ConnectionLimits()
    /// The clocks every service reads; tests set the hour with a `ManualClock`.
    public var clock = ServiceClock.system
    /// The artwork catalogue the docent answers from (none: the docent knows nothing).
    public var catalogueFile: URL? = URL(fileURLWithPath: "worlds/catalogue/tate-media-and-korean-artworks-cc0.json")
    /// An optional language model that phrases the docent's answers (off when nil).
    public var docentLLM: LLMConfig?
    /// Words masked in chat, one per line (Korean and English); none when the file is missing.
    public var wordListFile: URL? = URL(fileURLWithPath: "worlds/safety/wordlist.txt")
    /// Connections one account may have open at once (bounds its movement and chat rates too).
    public var connectionsPerAccountMax = 4
    /// Reports one account may file per day.
    public var reportsPerDayMax = 20
    /// How long a kick keeps someone out of the space.
    public var kickDurationS: TimeInterval = 3600
    /// Seconds a new connection has to send `hello`.
    public var helloTimeoutS = 5.0
    /// How hourly visit statistics spend privacy (ε per release, daily cap, suppression threshold).
    public var releasePolicy = ReleasePolicy()
    /// How often ended days of mission completions are looked for and released (tests shorten it).
    public var missionStatsPeriodS = 60.0
    /// How finely proposals' effects are computed (docs/planning.md); tests use `.draft`.
    public var planningEffects = EffectsSettings.full
    /// How often ended comment periods are looked for and closed into reports (tests shorten it).
    public var planningPeriodS = 30.0
    /// Whether the effects of the proposals found at start are computed at once (a server) or only
    /// when first asked for (the Swift test servers, which would otherwise each compute them).
    public var planningPrecompute = true
    /// Days of the privacy budget and of `/stats?date=` are days in this zone.
    public var statsTimeZone = TimeZone(identifier: "Asia/Seoul") ?? .gmt
    /// When an account enters as another persona within `personaSwitchWindowS` of one leaving,
    /// the entry waits this many seconds (random), so the switch cannot be timed to link them.
    public var personaSwitchDelayS: ClosedRange<Double> = 3...12
    public var personaSwitchWindowS = 60.0
    /// How long notices, closed reports and ended moderation actions are kept.
    public var retention = Retention()
    /// This server as a node of a cluster (needs a PostgreSQL store); a single server when nil.
    public var cluster: ClusterConfig?
    /// This city in a federation of cities (`--server-id`, `--peers`); nil: none.
    public var federation: FederationConfig?
    /// Ciphertext bytes one account's life-log vault may hold.
    public var vaultBytesMax = 256 * 1024

    public init() {}
}

extension ServerConfig {
    /// The process's limit on open files after raising the soft limit to the hard one (as servers
    /// do at start), so the socket cap can stay below it.
    public static func openFilesLimit() -> Int {
        #if os(Linux)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = min(limit.rlim_max, 1_048_576)
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}

/// A PEM certificate chain (leaf first) and its private key.
public struct TLSFiles: Sendable {
    public var certificateChain: URL
    public var privateKey: URL

    public init(certificateChain: URL, privateKey: URL) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }
}
