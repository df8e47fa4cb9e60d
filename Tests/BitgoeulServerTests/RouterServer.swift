import BitgoeulClient
import BitgoeulServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import WorldModel

/// The server's application driven at its router (`app.test(.router)`): no socket, a fresh data
/// directory, cheap password hashing, and the running services (tick, statistics) as in production.
struct RouterServer {
    let server: BitgoeulServer
    let dataDirectory: URL

    var services: Services { server.services }

    init(
        dataDirectory: URL? = nil, world: URL = TestServer.testWorld, configure: (inout ServerConfig) -> Void = { _ in }
    ) throws {
        let data =
            dataDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("bitgoeul-router-\(UUID().uuidString)")
        var config = ServerConfig()
        config.dataDirectory = data
        config.worldDirectories = [world]
        config.webDirectory = nil
        config.planningPrecompute = false
        config.passwordIterations = 1000
        configure(&config)
        var logger = Logger(label: "router-test")
        logger.logLevel = .warning
        server = try BitgoeulServer(config: config, logger: logger)
        self.dataDirectory = data
    }

    /// Runs `test` with a client of the router; the application's services run meanwhile.
    func test<Value: Sendable>(_ test: @escaping @Sendable (RouterClient) async throws -> Value) async throws -> Value {
        try await server.makeApplication().test(.router) { client in try await test(RouterClient(client: client)) }
    }
}

/// A client of the router under test: raw requests, and the SDK (`BitgoeulAPI`) over the router.
struct RouterClient: Sendable {
    let client: any TestClientProtocol

    /// The SDK, signed out, calling the router directly.
    var api: BitgoeulAPI {
        BitgoeulAPI(baseURL: URL(string: "http://router.test")!, transport: RouterTransport(client: client))
    }

    /// A GET and the answer's status with its body as a JSON object (empty when it is not one).
    func get(_ path: String) async throws -> (Int, [String: Any]) {
        let response = try await client.executeRequest(uri: path, method: .get, headers: [:], body: nil)
        let json =
            (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    /// Registers an account and signs in; returns the session (token and account id).
    func signUp(_ username: String, password: String) async throws -> BitgoeulAPI.SessionInfo {
        try await api.register(username: username, password: password)
        return try JSONDecoder().decode(
            BitgoeulAPI.SessionInfo.self,
            from: try await api.call("POST", "/api/v1/sessions", body: ["username": username, "password": password]))
    }

    /// Signs `username` up (password "correct horse battery") and makes its personas.
    func citizen(_ username: String, personas names: [String]) async throws -> Citizen {
        let session = try await signUp(username, password: "correct horse battery")
        var api = self.api
        api.token = session.token
        var personas: [Persona] = []
        for name in names { personas.append(try await api.createPersona(name: name)) }
        return Citizen(api: api, personas: personas, accountId: session.accountId)
    }
}

/// `BitgoeulAPI`'s calls sent straight into the router under test.
struct RouterTransport: HTTPTransport {
    let client: any TestClientProtocol

    func send(method: String, path: String, headers: [String: String], body: Data?) async throws
        -> (status: Int, body: Data)
    {
        var fields = HTTPFields()
        for (name, value) in headers {
            guard let field = HTTPField.Name(name) else { throw TestFailure("not a header name: \(name)") }
            fields[field] = value
        }
        guard let verb = HTTPRequest.Method(method) else { throw TestFailure("not a method: \(method)") }
        let response = try await client.executeRequest(
            uri: path, method: verb, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
        return (Int(response.status.code), Data(response.body.readableBytesView))
    }
}
