import Accounts
import ArgumentParser
import BitgoeulServer
import Cluster
import Docent
import Federation
import Foundation
import Hummingbird
import Logging
import NIOCore
import Planning
import Privacy
import Realtime
import ServiceLifecycle
import Storage
import StoragePostgres
import UnixSignals
import WorldModel

/// `bitgoeul serve`: runs the server until interrupted.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the world over HTTP and WebSocket.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (default: $PORT, else 8080).") var port: Int?
    @OptionGroup var storage: StoreOptions
    @Option(help: "This node's id in a cluster (with --database): lowercase letters, digits and '-'.")
    var nodeId: String?
    @Option(help: "The URL clients reach this node at (default http://HOST:PORT); sent in redirects.")
    var nodeUrl: String?
    @Option(help: "Avatars this node takes; a cluster shares spaces out in proportion.") var nodeCapacity = 5000
    @Option(help: "This city's server id among federated cities, e.g. gwangju.example (docs/federation.md).")
    var serverId: String?
    @Option(help: "This city's name for its peers (default: the server id).") var serverName: String?
    @Option(help: "The peers file (TOML) of the cities this one federates with (with --server-id).")
    var peers: String?
    @Option(help: "Region directory with region.json; repeat for several.")
    var world: [String] = ["worlds/gwangju", "worlds/seoul"]
    @Option(help: "Static web client directory, served at /.") var web = "Web"
    @Option(help: "Administrative boundaries (GeoJSON) directory.") var boundaries = "worlds/boundaries"
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Option(help: "Threads writing snapshots for a busy space.") var tickWorkers = 2
    @Option(help: "Threads serving sockets (default: one per core this process may run on).")
    var eventLoops: Int?
    @Option(help: "OpenAI-compatible base URL (…/v1) of a model that phrases docent answers; off when absent.")
    var docentLlmUrl: String?
    @Option(help: "Model name for --docent-llm-url (its API key comes from $BITGOEUL_LLM_KEY).")
    var docentLlmModel = "gpt-4o-mini"
    @Option(help: "Privacy (ε) one hourly statistics release of a space spends.") var statsEpsilon = 0.5
    @Option(help: "How finely proposals' effects are computed: full (a city's figures) or draft (quick, coarse).")
    var planningQuality = "full"
    @Option(help: "Privacy (ε) one space may spend per day; later releases that day are refused.")
    var statsDailyEpsilon = 2.0
    @Option(help: "Noisy statistics below this are withheld.") var statsThreshold = 5.0
    @Option(help: "Seconds a new connection has to send its request head; then 408 and close.")
    var requestHeadTimeout = 10.0
    @Option(help: "Seconds a kept-alive HTTP connection may sit idle.") var keepAliveIdle = 30.0
    @Option(help: "TCP connections open at once; more are answered 503 (default: below the file limit).")
    var socketsMax: Int?
    @Option(help: "New WebSocket connections admitted per second, server-wide.") var connectionsPerSecond = 500.0
    @Option(help: "New WebSocket connections one client address may open per second.")
    var connectionsPerAddressPerSecond = 20.0
    @Option(help: "A proxy (IP address) whose X-Forwarded-For names the client; repeat for several.")
    var trustedProxy: [String] = []
    @Option(help: "Another site's origin (https://host[:port]) allowed to call the API; repeat for several.")
    var allowedOrigin: [String] = []
    @Option(help: "Serve HTTPS and WSS with this PEM certificate chain (with --tls-key).") var tlsCert: String?
    @Option(help: "The PEM private key of --tls-cert.") var tlsKey: String?
    @Option(help: "PBKDF2 rounds for new password hashes (at least 1000; old hashes keep theirs).")
    var passwordIterations = PasswordHasher.iterationsDefault

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var config = ServerConfig()
        config.host = host
        if let text = docentLlmUrl {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
                throw ValidationError("--docent-llm-url must be an http(s) URL")
            }
            config.docentLLM = LLMConfig(
                url: url, model: docentLlmModel, apiKey: ProcessInfo.processInfo.environment["BITGOEUL_LLM_KEY"])
        }
        let envPort = ProcessInfo.processInfo.environment["PORT"].flatMap(Int.init)
        config.port = port ?? envPort ?? 8080
        guard (0...65535).contains(config.port) else { throw ValidationError("--port must be within 0...65535") }
        config.dataDirectory = storage.dataDirectory
        config.worldDirectories = world.map { URL(fileURLWithPath: $0) }
        config.webDirectory = URL(fileURLWithPath: web)
        config.boundariesDirectory = URL(fileURLWithPath: boundaries)
        guard (1...16).contains(tickWorkers) else { throw ValidationError("--tick-workers must be within 1...16") }
        config.realtime.tickWorkers = tickWorkers
        if let eventLoops {
            guard (1...64).contains(eventLoops) else { throw ValidationError("--event-loops must be within 1...64") }
            config.eventLoopThreads = eventLoops
        }
        config.releasePolicy.epsilon = statsEpsilon
        switch planningQuality {
        case "full": config.planningEffects = .full
        case "draft": config.planningEffects = .draft
        default: throw ValidationError("--planning-quality is full or draft")
        }
        config.releasePolicy.dailyCap = statsDailyEpsilon
        config.releasePolicy.threshold = statsThreshold
        if let problem = config.releasePolicy.problem { throw ValidationError("statistics: \(problem)") }
        try applyConnectionLimits(to: &config)
        if let nodeId {
            guard storage.database != nil else {
                throw ValidationError("--node-id needs --database postgres://… (the nodes of a cluster share it)")
            }
            var cluster = ClusterConfig(
                nodeId: nodeId, publicURL: nodeUrl ?? "http://\(host):\(config.port)", capacity: nodeCapacity)
            if let problem = cluster.problem { throw ValidationError(problem) }
            cluster.settings = ClusterSettings()
            config.cluster = cluster
        }
        if let serverId {
            config.federation = FederationConfig(
                serverId: serverId, serverName: serverName ?? serverId, peersFile: peers.map(URL.init(fileURLWithPath:))
            )
        } else if peers != nil || serverName != nil {
            throw ValidationError("--peers and --server-name need --server-id")
        }
        let store: any Store
        do {
            store = try await storage.open(mustExist: false)
        } catch let error as PostgresStoreError {
            print("error: cannot start: \(error)")
            throw ExitCode(3)
        }
        let server: BitgoeulServer
        do {
            server = try BitgoeulServer(config: config, store: store, logger: Logger(label: "bitgoeul"))
        } catch let error as ManifestError {
            print("error: cannot start: \(error)")
            throw ExitCode(2)
        }
        do {
            try await server.joinCluster()
        } catch let error as CoordinationError {
            print("error: cannot start: \(error)")
            throw ExitCode(3)
        }
        let host = self.host
        let scheme = config.tls == nil ? "http" : "https"
        let app = server.makeApplication { port in
            // Written directly so it shows at once even when stdout is a pipe.
            FileHandle.standardOutput.write(
                Data("Bitgoeul is serving the mirror world on \(scheme)://\(host):\(port)/\n".utf8))
        }
        try await Self.run(app, server: server, drainsOnTerm: config.cluster != nil)
        await StoreOptions.close(store)
    }
}

extension Serve {
    /// Runs the application until SIGINT or SIGTERM. A node of a cluster first drains on SIGTERM:
    /// its spaces go to the other nodes and its clients follow, so a rolling restart loses nobody.
    /// A city of a federation reads its peers file again on SIGHUP.
    static func run(_ app: some ApplicationProtocol, server: BitgoeulServer, drainsOnTerm: Bool) async throws {
        let logger = Logger(label: "bitgoeul")
        // SIGHUP reads the peers file again: a city removed from it is defederated without a restart.
        // The signal is trapped before the server listens, so an early SIGHUP cannot end the process.
        let hangups = server.federates ? await UnixSignalsSequence(trapping: .sighup) : nil
        let reloader = hangups.map { signals in
            Task {
                for await _ in signals { server.reloadPeers() }
            }
        }
        defer { reloader?.cancel() }
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: drainsOnTerm ? [.sigint] : [.sigterm, .sigint],
                logger: logger))
        guard drainsOnTerm else { return try await group.run() }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                for await signal in await UnixSignalsSequence(trapping: .sigterm) {
                    logger.info("signal received", metadata: ["signal": "\(signal)"])
                    await server.drain()
                    await group.triggerGracefulShutdown()
                    return
                }
            }
            try await tasks.next()
            tasks.cancelAll()
        }
    }

    /// The HTTP and WebSocket limits from the command line, each checked against its range.
    func applyConnectionLimits(to config: inout ServerConfig) throws {
        guard (0.5...300).contains(requestHeadTimeout) else {
            throw ValidationError("--request-head-timeout must be within 0.5...300 s")
        }
        guard (1...3600).contains(keepAliveIdle) else {
            throw ValidationError("--keep-alive-idle must be within 1...3600 s")
        }
        config.http.requestHeadTimeoutS = requestHeadTimeout
        config.http.keepAliveIdleS = keepAliveIdle
        let fileLimit = ServerConfig.openFilesLimit()
        let socketsDefault = max(16, fileLimit - 256)
        let sockets = socketsMax ?? min(config.http.socketsMax, socketsDefault)
        guard (1...1_000_000).contains(sockets) else {
            throw ValidationError("--sockets-max must be within 1...1000000")
        }
        config.http.socketsMax = sockets
        config.connectionsMax = min(config.connectionsMax, sockets)
        guard connectionsPerSecond >= 1, connectionsPerAddressPerSecond >= 0.1,
            connectionsPerAddressPerSecond <= connectionsPerSecond
        else {
            throw ValidationError("--connections-per-second ≥ 1, and ≥ --connections-per-address-per-second ≥ 0.1")
        }
        config.connectionsPerSecond = connectionsPerSecond
        config.connectionsPerAddressPerSecond = connectionsPerAddressPerSecond
        for proxy in trustedProxy {
            guard (try? SocketAddress(ipAddress: proxy, port: 0)) != nil else {
                throw ValidationError("--trusted-proxy \(proxy): not an IP address")
            }
        }
        config.trustedProxies = Set(trustedProxy)
        guard (1000...10_000_000).contains(passwordIterations) else {
            throw ValidationError("--password-iterations must be within 1000...10000000")
        }
        config.passwordIterations = passwordIterations
        for origin in allowedOrigin {
            guard let url = URL(string: origin), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                url.path.isEmpty, url.query == nil
            else {
                throw ValidationError("--allowed-origin \(origin): an origin is scheme://host[:port], nothing more")
            }
        }
        config.allowedOrigins = Set(allowedOrigin)
        switch (tlsCert, tlsKey) {
        case (let cert?, let key?):
            config.tls = TLSFiles(
                certificateChain: URL(fileURLWithPath: cert), privateKey: URL(fileURLWithPath: key))
        case (nil, nil):
            break
        default:
            throw ValidationError("give --tls-cert and --tls-key together")
        }
    }
}
