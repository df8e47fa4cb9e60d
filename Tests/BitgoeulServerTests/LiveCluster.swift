import BitgoeulClient
import Foundation
import Testing
import WorldModel

/// Real `bitgoeul serve` processes on loopback, nodes of one cluster on a fresh schema of the test
/// PostgreSQL (`BITGOEUL_TEST_PG`), serving the test world.
///
/// Nodes are started with `posix_spawn` (stdin from /dev/null, output to a log in the node's data
/// folder). Use `LiveCluster.with`: a `defer` in an async test ran before the test's end here (the
/// nodes got their stop signal a second after they started).
final class LiveCluster: @unchecked Sendable {
    // @unchecked: `nodes` is written only by `start`, which tests call in sequence from one task
    // before any concurrent reads.
    static let binary = TestServer.repoRoot.appendingPathComponent(".build/debug/bitgoeul")
    static var postgresURL: String? { ProcessInfo.processInfo.environment["BITGOEUL_TEST_PG"] }

    struct Node {
        let id: String
        let port: Int
        let pid: pid_t
        let data: URL
        var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }
        var connectURL: String { "ws://127.0.0.1:\(port)/api/v1/connect" }
        var api: BitgoeulAPI { BitgoeulAPI(baseURL: baseURL) }
    }

    let database: String
    private(set) var nodes: [String: Node] = [:]

    /// `through` replaces the server's host and port in the URL (a relay a test can cut).
    init(nodes ids: [String], through relay: (host: String, port: Int)? = nil) async throws {
        var base = try #require(Self.postgresURL)
        if let relay, var url = URLComponents(string: base) {
            url.host = relay.host
            url.port = relay.port
            base = try #require(url.string)
        }
        let schema = "n_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        database = base + "?schema=\(schema)&sslmode=disable"
        for id in ids { try start(id) }
        for id in ids { try await waitUntilServing(id) }
        try await waitUntilPlaced()
        // Each node accepts tickets only from nodes it has seen in a round: wait until all know all.
        for id in ids {
            let node = node(id)
            try await Self.poll(timeoutS: 10, "\(id) does not know every node") {
                struct Health: Decodable { let nodes: [String]? }
                let data = try? await node.api.call("GET", "/healthz")
                let health = data.flatMap { try? JSONDecoder().decode(Health.self, from: $0) }
                return Set(health?.nodes ?? []) == Set(ids)
            }
        }
    }

    func start(_ id: String) throws {
        let port = Self.freePort()
        let data =
            nodes[id]?.data
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("bitgoeul-node-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let arguments = [
            Self.binary.path, "serve", "--host", "127.0.0.1", "--port", "\(port)", "--data", data.path, "--database",
            database, "--node-id", id, "--world", TestServer.testWorld.path, "--web", "/nonexistent", "--log-level",
            "info", "--password-iterations", "1000",
        ]
        // The node's log, kept in its data folder for a failing test to look at.
        let pid = try Self.spawn(arguments, log: data.appendingPathComponent("node.log").path)
        nodes[id] = Node(id: id, port: port, pid: pid, data: data)
    }

    /// Starts `arguments[0]` with stdin from /dev/null and stdout and stderr appended to `log`.
    static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        guard rc == 0 else { throw TestFailure("cannot start \(arguments[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    func node(_ id: String) -> Node { nodes[id]! }

    /// Until the node answers `/healthz`.
    func waitUntilServing(_ id: String, timeoutS: Double = 20) async throws {
        let node = node(id)
        try await Self.poll(timeoutS: timeoutS, "\(id) did not start") {
            (try? await node.api.call("GET", "/healthz")) != nil
        }
    }

    /// Until every space has a node, as `GET /api/v1/world` shows from `via`.
    func waitUntilPlaced(via: String? = nil, timeoutS: Double = 20) async throws {
        try await Self.poll(timeoutS: timeoutS, "not every space is served") { [self] in
            let placements = try? await self.placements(via: via ?? self.nodes.keys.sorted().first!)
            return placements.map { $0.count == 2 && $0.values.allSatisfy { !$0.isEmpty } } ?? false
        }
    }

    /// The placement once every running node reports the same one, with every space served, twice
    /// a directory round apart: a test that starts earlier can be sent on by a node whose directory
    /// still shows where a space was a moment ago (a real client then takes one more redirect).
    func settledPlacements(among ids: [String]? = nil, timeoutS: Double = 20) async throws -> [String: String] {
        let asked = (ids ?? nodes.keys.sorted()).map { node($0).api }
        guard let placements = await BitgoeulAPI.settledPlacements(of: asked, nodesServing: 1, timeoutS: timeoutS)
        else { throw TestFailure("the nodes did not agree where the spaces are") }
        return placements
    }

    /// The node serving each space, as `via` sees it.
    func placements(via: String) async throws -> [String: String] { try await node(via).api.placements() }

    func kill(_ id: String) {
        guard let pid = nodes[id]?.pid else { return }
        Foundation.kill(pid, SIGKILL)
        _ = Self.wait(pid)
    }

    /// SIGTERM: the node drains, then exits; returns its exit status.
    func terminate(_ id: String, timeoutS: Double = 40) async throws -> Int32 {
        let pid = node(id).pid
        Foundation.kill(pid, SIGTERM)
        var status: Int32?
        try await Self.poll(timeoutS: timeoutS, "\(id) did not exit after SIGTERM") {
            status = Self.wait(pid, blocking: false)
            return status != nil
        }
        return status ?? -1
    }

    /// Stops every node at once with SIGINT (a shutdown without a drain) and waits for them.
    func stopAll() async {
        for node in nodes.values { Foundation.kill(node.pid, SIGINT) }
        for node in nodes.values {
            try? await Self.poll(timeoutS: 20, "\(node.id) did not stop") {
                Self.wait(node.pid, blocking: false) != nil
            }
            if Self.wait(node.pid, blocking: false) == nil {
                Foundation.kill(node.pid, SIGKILL)
                Self.wait(node.pid)
            }
        }
    }

    /// Runs `body` with a new cluster of `ids`, and stops it afterwards whatever happened.
    static func with(
        _ ids: [String], through relay: (host: String, port: Int)? = nil, _ body: (LiveCluster) async throws -> Void
    ) async throws {
        let cluster = try await LiveCluster(nodes: ids, through: relay)
        do {
            try await body(cluster)
        } catch {
            await cluster.stopAll()
            throw error
        }
        await cluster.stopAll()
    }

    /// The exit status (or 128 + signal) once the process ended; nil while it runs (non-blocking).
    @discardableResult
    static func wait(_ pid: pid_t, blocking: Bool = true) -> Int32? {
        var status: Int32 = 0
        let rc = waitpid(pid, &status, blocking ? 0 : WNOHANG)
        guard rc == pid else { return rc < 0 ? -1 : nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// A signed-up citizen with one persona each, made through `via`.
    func citizen(_ username: String, persona: String, via: String) async throws -> Citizen {
        var api = node(via).api
        try await api.register(username: username, password: "correct horse battery")
        let session = try JSONDecoder().decode(
            BitgoeulAPI.SessionInfo.self,
            from: try await api.call(
                "POST", "/api/v1/sessions", body: ["username": username, "password": "correct horse battery"]))
        api.token = session.token
        return Citizen(api: api, personas: [try await api.createPersona(name: persona)], accountId: session.accountId)
    }

    static func poll(timeoutS: Double, _ what: String, _ condition: () async -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeoutS)
        while Date() < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure(what)
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(fd, $0, length)
                _ = getsockname(fd, $0, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
