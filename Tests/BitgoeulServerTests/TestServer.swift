import BitgoeulClient
import BitgoeulServer
import Foundation
import Hummingbird
import Logging
import Realtime
import ServiceLifecycle
import StorageSQLite
import Synchronization
import WorldModel

/// A real server on an ephemeral port with a fresh data directory, for integration tests.
final class TestServer: Sendable {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let testWorld = repoRoot.appendingPathComponent("Tests/Fixtures/worlds/testland")

    let port: Int
    let dataDirectory: URL
    /// The running engine (tests close statistics hours with it).
    let engine: RealtimeEngine
    private let task: Task<Void, any Error>
    private let group: ServiceGroup

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }
    var connectURL: String { "ws://127.0.0.1:\(port)/api/v1/connect" }
    var api: BitgoeulAPI { BitgoeulAPI(baseURL: baseURL) }

    private init(
        port: Int, dataDirectory: URL, engine: RealtimeEngine, task: Task<Void, any Error>, group: ServiceGroup
    ) {
        self.port = port
        self.engine = engine
        self.dataDirectory = dataDirectory
        self.task = task
        self.group = group
    }

    static func start(
        dataDirectory: URL? = nil, world: URL = testWorld, configure: (inout ServerConfig) -> Void = { _ in }
    ) async throws -> TestServer {
        let data =
            dataDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("bitgoeul-test-\(UUID().uuidString)")
        var config = ServerConfig()
        config.port = 0
        config.dataDirectory = data
        config.worldDirectories = [world]
        config.webDirectory = nil
        config.planningPrecompute = false
        configure(&config)
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        let server = try BitgoeulServer(config: config, logger: logger)
        let (portStream, portSink) = AsyncStream<Int>.makeStream()
        let app = server.makeApplication { port in portSink.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("server did not start") }
        return TestServer(
            port: port, dataDirectory: data, engine: server.services.engine, task: task, group: group)
    }

    /// Shuts down gracefully, as on SIGTERM.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Registers an account and signs in; returns the session (token and account id).
    func signUp(_ username: String, password: String) async throws -> BitgoeulAPI.SessionInfo {
        try await api.register(username: username, password: password)
        return try JSONDecoder().decode(
            BitgoeulAPI.SessionInfo.self,
            from: try await api.call("POST", "/api/v1/sessions", body: ["username": username, "password": password]))
    }

    /// The server's SQLite store, opened beside it (tests give roles with it).
    func store() throws -> SQLiteStore {
        try SQLiteStore(path: dataDirectory.appendingPathComponent("bitgoeul.sqlite").path)
    }

    /// A guest avatar that has joined `space` and received its first snapshot.
    func guest(_ name: String, space: String = "testland/plaza") async throws -> Avatar {
        let avatar = try await Avatar.connect(url: connectURL, token: nil)
        avatar.joinGuest(space: space, name: name)
        guard await avatar.waitUntil(timeoutS: 5, { $0.view.snapshots > 0 && $0.view.space == space }) else {
            throw TestFailure("\(name) did not join \(space): \(avatar.snapshot.errors)")
        }
        return avatar
    }
}

extension TestServer {
    /// A server with cheap password hashing (tests sign many people up).
    static func fast(_ configure: @escaping (inout ServerConfig) -> Void = { _ in }) async throws -> TestServer {
        try await start { config in
            config.passwordIterations = 1000
            config.personaSwitchDelayS = 0.2...0.4
            configure(&config)
        }
    }
}

/// A signed-in account with its personas, as the SDK sees it.
struct Citizen {
    let api: BitgoeulAPI
    let personas: [Persona]
    let accountId: Int64

    func enter(_ server: TestServer, persona: Int = 0, space: String = "testland/plaza") async throws -> Avatar {
        let avatar = try await Avatar.connect(url: server.connectURL, token: api.token)
        avatar.join(space: space, personaId: personas[persona].id)
        guard await avatar.waitUntil(timeoutS: 5, { $0.view.snapshots > 0 && $0.view.space == space }) else {
            throw TestFailure("\(personas[persona].name) did not join: \(avatar.snapshot.errors)")
        }
        return avatar
    }
}

extension Citizen {
    /// The open reports in this moderator's queue: id and the reported persona's name.
    func openReports() async throws -> [(id: Int64, reportedName: String)] {
        struct Queue: Decodable {
            struct Item: Decodable {
                let id: Int64
                let reportedName: String
            }
            let reports: [Item]
        }
        return try JSONDecoder().decode(Queue.self, from: try await api.call("GET", "/api/v1/moderation/reports"))
            .reports.map { ($0.id, $0.reportedName) }
    }

    /// Acts on a report as this moderator: warn, mute, kick, suspend, ban or dismiss.
    func act(on reportId: Int64, _ kind: String, reason: String) async throws {
        struct Action: Encodable {
            let reportId: Int64
            let kind: String
            let reason: String
        }
        _ = try await api.call(
            "POST", "/api/v1/moderation/actions", body: Action(reportId: reportId, kind: kind, reason: reason))
    }
}

/// Signs `username` up (password "correct horse battery") and makes its personas.
func citizen(_ server: TestServer, _ username: String, personas names: [String]) async throws -> Citizen {
    let session = try await server.signUp(username, password: "correct horse battery")
    let api = BitgoeulAPI(baseURL: server.baseURL, token: session.token)
    var personas: [Persona] = []
    for name in names { personas.append(try await api.createPersona(name: name)) }
    return Citizen(api: api, personas: personas, accountId: session.accountId)
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
