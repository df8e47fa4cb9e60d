import Accounts
import Clocks
import Cluster
import Docent
import DurableFiles
import Federation
import Foundation
import Geo
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import Missions
import NIOCore
import Privacy
import Realtime
import RealtimeSession
import Safety
import ServiceLifecycle
import Storage
import StorageSQLite
import Wire
import WorldModel

/// The Bitgoeul server: loads the world, opens the store, starts the tick, serves HTTP and WebSocket.
public struct BitgoeulServer: Sendable {
    public let services: Services
    let logger: Logger
    /// HTTPS and WSS when set.
    let tls: TLSConfiguration?

    /// Loads and checks everything the server needs; throws with file, field and reason on a bad manifest.
    /// Without a `store`, opens the embedded SQLite database in the data directory.
    public init(config: ServerConfig, store: (any Store)? = nil, logger: Logger = Logger(label: "bitgoeul")) throws {
        _ = MetricsRegistry.shared
        let world = try ManifestLoader.loadWorld(directories: config.worldDirectories)
        try FileManager.default.createDirectory(at: config.dataDirectory, withIntermediateDirectories: true)
        let store =
            try store ?? SQLiteStore(path: config.dataDirectory.appendingPathComponent("bitgoeul.sqlite").path)
        let node = try Self.clusterNode(config, store: store)
        let engine = RealtimeEngine(
            world: world, config: config.realtime, threads: config.tickThreads, logger: logger, clock: config.clock,
            servesAllSpaces: node == nil, handoffs: node?.tickets)
        let member = node.map { node in
            ClusterMember(
                registration: node.registration, coordination: node.coordination, serving: engine,
                spaces: world.spaces.map(\.id), settings: node.config.settings, directory: node.directory,
                monotonicS: config.clock.monotonicS, logger: logger)
        }
        let areas = try Self.areas(of: world, config: config)
        let words = try Self.wordFilter(config)
        let artworks = try Self.catalogue(config)
        let docent = Docent(artworks: artworks)
        let shown = try Self.exhibitions(config, world: world, catalogue: Set(artworks.map(\.id)))
        let missions = try Self.missions(config, world: world, catalogue: Set(artworks.map(\.id)))
        let planningDesk = PlanningDesk(
            settings: config.planningEffects, timeZone: config.statsTimeZone, dataDirectory: config.dataDirectory,
            worldDirectories: config.worldDirectories, logger: logger)
        let shippedProposals = try Services.shippedProposals(
            config, world: world, desk: planningDesk, now: config.clock.now())
        // In a cluster, changes to someone's safety rules and persona switches reach every node.
        let rulesChanged = node?.events.rulesChanged
        let personaLeft = node?.events.personaLeft
        services = Services(
            config: config, store: store, world: world, engine: engine,
            hasher: PasswordHasher(iterations: config.passwordIterations), areas: areas,
            admission: Admission(
                openMax: config.connectionsMax, perSecond: config.connectionsPerSecond,
                perAddressPerSecond: config.connectionsPerAddressPerSecond, clock: config.clock.monotonicS),
            logger: logger,
            rules: SafetyRules(store: store, board: engine.safety, clock: config.clock, changed: rulesChanged),
            words: words,
            accountLimits: AccountLimiter(limits: config.limits, monotonicS: config.clock.monotonicS),
            docentHolder: DocentHolder(docent), llmBudget: LLMBudget(monotonicS: config.clock.monotonicS),
            exhibitions: ExhibitionBook(shown),
            missions: MissionHall(missions: missions, timeZone: config.statsTimeZone, now: config.clock.now()),
            planningDesk: planningDesk,
            accessLog: AccessLog(store: store, key: try AccessLog.loadKey(dataDirectory: config.dataDirectory)),
            personaSwitch: PersonaSwitchGuard(
                windowS: config.personaSwitchWindowS, delayS: config.personaSwitchDelayS,
                monotonicS: config.clock.monotonicS, onLeft: personaLeft),
            signIns: SignInGuard<ClientAddress>(policy: config.signInPolicy, clock: config.clock.monotonicS),
            sockets: SocketCounter(max: config.http.socketsMax),
            cluster: member, handoffs: node?.tickets, coordination: node?.coordination, events: node?.events,
            federation: try Self.federationNode(config))
        for (v, space) in shippedProposals { services.publish(v, space: space, compute: config.planningPrecompute) }
        if let problem = config.releasePolicy.problem {
            throw ManifestError(file: "(config)", field: "stats", reason: problem)
        }
        if config.releasePolicy.releasesPerDay < 24 {
            logger.warning(
                "the daily privacy budget covers only some hours; later hours of each day are not released",
                metadata: [
                    "epsilonPerRelease": "\(config.releasePolicy.epsilon)",
                    "dailyCap": "\(config.releasePolicy.dailyCap)",
                    "releasesPerDay": "\(config.releasePolicy.releasesPerDay)",
                ])
        }
        tls = try config.tls?.serverConfiguration()
        if tls == nil && !isLoopback(config.host) && config.trustedProxies.isEmpty {
            logger.warning(
                """
                listening beyond this machine without TLS: browsers give the life-log vault (WebCrypto), \
                geolocation and the microphone only to HTTPS pages; give --tls-cert and --tls-key, or put a TLS \
                proxy in front and name it with --trusted-proxy (docs/operations.md)
                """, metadata: ["host": "\(config.host)"])
        }
        self.logger = logger
    }

    /// This node's part in a cluster (nil for a single server): its key, its directory of where
    /// spaces are, and its registration.
    struct ClusterNode {
        let config: ClusterConfig
        let coordination: any Coordination
        let directory: ClusterDirectory
        let tickets: HandoffTickets
        let registration: NodeRegistration
        let events: ClusterEvents
    }

    static func clusterNode(_ config: ServerConfig, store: any Store) throws -> ClusterNode? {
        guard let cluster = config.cluster else { return nil }
        if let problem = cluster.problem { throw ManifestError(file: "(config)", field: "cluster", reason: problem) }
        guard let coordination = store as? any Coordination, let channel = store as? any EventChannel else {
            throw ManifestError(
                file: "(config)", field: "cluster", reason: "a node of a cluster needs --database postgres://…")
        }
        let key = try SigningKeyFile.loadOrCreate(config.dataDirectory.appendingPathComponent("node-ed25519.key"))
        let directory = ClusterDirectory(me: cluster.nodeId)
        let tickets = HandoffTickets(me: cluster.nodeId, key: key, directory: directory, now: config.clock.now)
        return ClusterNode(
            config: cluster, coordination: coordination, directory: directory, tickets: tickets,
            registration: NodeRegistration(
                id: cluster.nodeId, url: cluster.publicURL, capacity: cluster.capacity, ticketKey: tickets.publicKey),
            events: ClusterEvents(me: cluster.nodeId, channel: channel, logger: Logger(label: "bitgoeul.cluster")))
    }

    /// This city's federation keys, pseudonym secret and peers (nil when it federates with none).
    static func federationNode(_ config: ServerConfig) throws -> FederationNode? {
        guard let federation = config.federation else { return nil }
        do {
            return try FederationNode(config: federation, dataDirectory: config.dataDirectory, now: config.clock.now)
        } catch let error as FederationError {
            throw ManifestError(file: "(config)", field: "federation", reason: error.description)
        }
    }

    /// Builds the Hummingbird application; `onRunning` receives the bound port.
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let router = Router(context: BitgoeulRequestContext.self)
        if tls != nil { router.middlewares.add(StrictTransportSecurityMiddleware()) }
        if !services.config.allowedOrigins.isEmpty {
            router.middlewares.add(CORSPolicyMiddleware(origins: services.config.allowedOrigins))
        }
        router.middlewares.add(ErrorMiddleware())
        router.middlewares.add(
            MethodNotAllowedMiddleware(allowed: AllowedMethods(openAPI: OperationsController.openAPIDocument)))
        if let web = services.config.webDirectory, FileManager.default.fileExists(atPath: web.path) {
            router.middlewares.add(FileMiddleware(web.path, searchForIndexHtml: true, logger: logger))
        }
        addControllers(to: router)

        let wsRouter = Router(context: ConnectRequestContext.self)
        ConnectRoute.add(to: wsRouter, services: services)

        let config = services.config
        let cluster: [any Service] =
            services.cluster.map {
                [ClusterService(member: $0, logger: logger), ParcelCourier(services: services, logger: logger)]
            } ?? []
        let events: [any Service] =
            services.events.map { [ClusterEventsService(events: $0, services: services)] } ?? []
        let peers: [any Service] =
            services.federation.map { [PeerWatchService(federation: $0, clock: services.clock.now, logger: logger)] }
            ?? []
        let realtime = RealtimeService(
            engine: services.engine, store: services.store, exhibitions: services.exhibitions,
            docent: services.docentHolder, retention: services.config.retention, clock: services.clock,
            logger: logger)
        let stats = StatsPublisher(
            outbox: services.engine.visits, store: services.store, policy: services.config.releasePolicy,
            timeZone: services.config.statsTimeZone, logger: logger)
        let group = EventLoops.group(threads: config.eventLoopThreads)
        return Application(
            router: router,
            server: Self.serverBuilder(webSocketRouter: wsRouter, config: config, sockets: services.sockets, tls: tls),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "bitgoeul"),
            services: cluster + events + peers + [
                realtime, stats, CrowdAlertService(services: services),
                MissionStatsPublisher(services: services, logger: logger),
                PlanningService(services: services, logger: logger),
            ],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: .shared(group),
            logger: logger)
    }
}

extension BitgoeulServer {
    /// Every HTTP resource's controller, after the middleware (a route keeps the middleware added before it).
    func addControllers(to router: Router<BitgoeulRequestContext>) {
        router.addRoutes(OperationsController(cluster: services.cluster).endpoints)
        router.addRoutes(WorldController(services: services).endpoints)
        router.addRoutes(AccountsController(services: services).endpoints)
        router.addRoutes(PersonasController(services: services).endpoints)
        router.addRoutes(SafetyController(services: services).endpoints)
        router.addRoutes(ModerationController(services: services).endpoints)
        router.addRoutes(SimulationsController(services: services).endpoints)
        router.addRoutes(ExhibitionsController(services: services).endpoints)
        router.addRoutes(DocentController(services: services).endpoints)
        router.addRoutes(MissionsController(services: services).endpoints)
        router.addRoutes(PlanningController(services: services).endpoints)
        router.addRoutes(ToursController(services: services).endpoints)
        router.addRoutes(NarrationController(services: services).endpoints)
        router.addRoutes(PrivacyController(services: services).endpoints)
        router.addRoutes(TransparencyController(services: services).endpoints)
        router.addRoutes(StatsController(services: services).endpoints)
        router.addRoutes(SolarController(services: services).endpoints)
        if services.cluster != nil { router.addRoutes(ParcelsController(services: services).endpoints) }
        router.addRoutes(FederationController(services: services).endpoints)
        router.addRoutes(TravelController(services: services).endpoints)
    }

    /// HTTP/1 with the WebSocket upgrade, every connection first through the connection guard
    /// (socket cap, head deadline and size), kept-alive connections closed when idle.
    static func serverBuilder(
        webSocketRouter: Router<ConnectRequestContext>, config: ServerConfig, sockets: SocketCounter,
        tls: TLSConfiguration?
    ) -> HTTPServerBuilder {
        let limits = config.http
        let webSocketResponder = webSocketRouter.buildResponder()
        let channelConfig = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(
                additionalChannelHandlers: [HeaderOverflowHandler(headBytesMax: limits.requestHeadBytesMax)],
                idleTimeout: .milliseconds(Int64(limits.keepAliveIdleS * 1000)),
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: limits.requestHeadBytesMax, maxHeaderListSize: limits.requestHeadBytesMax,
                    maxHeaderFieldCount: 100)),
            ws: .init(maxFrameSize: WireFormat.clientFrameBytesMax, autoPing: .enabled(timePeriod: .seconds(30))))
        return HTTPServerBuilder { responder in
            let upgrading = HTTP1WebSocketUpgradeChannel(
                responder: responder, webSocketResponder: webSocketResponder, configuration: channelConfig)
            let guarded = GuardedChildChannel(base: upgrading, limits: limits, sockets: sockets)
            // TLS first in the pipeline: the guard's deadline also bounds a stalled handshake.
            guard let tls else { return guarded }
            return try TLSChannel(guarded, tlsConfiguration: tls)
        }
    }
}

/// Runs the tick threads for the application's lifetime; hourly it sweeps expired sessions and
/// the records whose retention has passed.
struct RealtimeService: Service {
    let engine: RealtimeEngine
    let store: any Store
    let exhibitions: ExhibitionBook
    let docent: DocentHolder
    let retention: Retention
    let clock: ServiceClock
    let logger: Logger

    func run() async throws {
        // Exhibitions curators published earlier join those shipped with the world.
        for (id, json) in (try? await store.exhibitions()) ?? [] {
            if let e = try? JSONDecoder().decode(Exhibition.self, from: Data(json.utf8)) {
                exhibitions.put(e)
            } else {
                logger.warning("stored exhibition is unreadable; skipped", metadata: ["id": "\(id)"])
            }
        }
        if let narrations = try? await store.narrations(), !narrations.isEmpty {
            docent.setNarrations(narrations)
        }
        engine.start()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let removed = try? await store.deleteExpiredSessions(now: clock.now()), removed > 0 {
                logger.info("expired sessions removed", metadata: ["count": "\(removed)"])
            }
            if let swept = try? await store.sweep(retention: retention, now: clock.now()), swept.total > 0 {
                logger.info(
                    "records past retention deleted",
                    metadata: [
                        "notices": "\(swept.notices)", "reports": "\(swept.reports)", "actions": "\(swept.actions)",
                    ])
            }
            try? await gracefulShutdown(for: .seconds(3600))
        }
        await engine.stop()
        engine.visits.finish()
    }
}

/// Sleeps for `duration`, returning early when a graceful shutdown starts.
func gracefulShutdown(for duration: Duration) async throws {
    try await cancelWhenGracefulShutdown {
        try await Task.sleep(for: duration)
    }
}
