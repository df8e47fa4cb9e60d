import Foundation
import WorldModel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The HTTP API: accounts, sessions, personas and the world directory (over URLSession unless another
/// `HTTPTransport` is given).
public struct BitgoeulAPI: Sendable {
    /// A failed call: HTTP status and the server's error code and message.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let status: Int
        public let code: String
        public let message: String
        public var description: String { "HTTP \(status) \(code): \(message)" }
    }

    public struct SessionInfo: Decodable, Sendable {
        public let token: String
        public let accountId: Int64
    }

    struct PersonaList: Decodable {
        let personas: [Persona]
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    public let baseURL: URL
    public var token: String?
    /// How calls reach the server (URLSession to `baseURL` unless another is given).
    let transport: any HTTPTransport

    /// `baseURL` like `http://127.0.0.1:8080`.
    public init(baseURL: URL, token: String? = nil) {
        self.init(baseURL: baseURL, token: token, transport: URLSessionTransport(baseURL: baseURL))
    }

    /// Calls through `transport` (tests hand in one that drives an application's router directly).
    public init(baseURL: URL, token: String? = nil, transport: any HTTPTransport) {
        self.baseURL = baseURL
        self.token = token
        self.transport = transport
    }

    /// The WebSocket URL of this server's real-time endpoint.
    public var connectURL: String {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)!
        components.scheme = components.scheme == "https" ? "wss" : "ws"
        components.path = "/api/v1/connect"
        return components.string!
    }

    public func register(username: String, password: String) async throws {
        _ = try await call("POST", "/api/v1/accounts", body: ["username": username, "password": password])
    }

    /// Signs in and returns a copy of this API that carries the session token.
    public func signIn(username: String, password: String) async throws -> BitgoeulAPI {
        let data = try await call("POST", "/api/v1/sessions", body: ["username": username, "password": password])
        var signedIn = self
        signedIn.token = try JSONDecoder().decode(SessionInfo.self, from: data).token
        return signedIn
    }

    public func personas() async throws -> [Persona] {
        try JSONDecoder().decode(PersonaList.self, from: try await call("GET", "/api/v1/personas")).personas
    }

    public func createPersona(name: String, appearance: Appearance = .standard) async throws -> Persona {
        struct Input: Encodable {
            let name: String
            let appearance: Appearance
        }
        let data = try await call("POST", "/api/v1/personas", body: Input(name: name, appearance: appearance))
        return try JSONDecoder().decode(Persona.self, from: data)
    }

    /// Sends a request and returns the body of a 2xx answer; throws `Failure` otherwise.
    /// `path` may carry a query string.
    public func call(
        _ method: String, _ path: String, body: (some Encodable)? = nil as String?, headers: [String: String] = [:]
    ) async throws -> Data {
        var fields: [String: String] = [:]
        if let token { fields["Authorization"] = "Bearer \(token)" }
        fields.merge(headers) { _, given in given }
        var bytes: Data?
        if let body {
            bytes = try JSONEncoder().encode(body)
            fields["Content-Type"] = "application/json"
        }
        let (status, data) = try await transport.send(method: method, path: path, headers: fields, body: bytes)
        guard (200..<300).contains(status) else {
            let detail = try? JSONDecoder().decode(ErrorBody.self, from: data)
            throw Failure(
                status: status, code: detail?.error.code ?? "unknown",
                message: detail?.error.message ?? String(decoding: data, as: UTF8.self))
        }
        return data
    }
}

/// How `BitgoeulAPI` reaches a server: over HTTP with URLSession, or, in tests, straight into an
/// application's router.
public protocol HTTPTransport: Sendable {
    /// Sends one request for `path` (which may carry a query) and returns the answer's status and body.
    func send(method: String, path: String, headers: [String: String], body: Data?) async throws
        -> (status: Int, body: Data)
}

/// HTTP to `baseURL` with URLSession, waiting at most 60 s for an answer.
struct URLSessionTransport: HTTPTransport {
    let baseURL: URL

    func send(method: String, path: String, headers: [String: String], body: Data?) async throws
        -> (status: Int, body: Data)
    {
        guard let url = URL(string: baseURL.absoluteString.trimmingSuffix("/") + path) else {
            throw BitgoeulAPI.Failure(status: 0, code: "bad_path", message: "not a URL path: \(path)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 60
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
