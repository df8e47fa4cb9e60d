import Foundation
import WorldModel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The HTTP API over URLSession: accounts, sessions, personas and the world directory.
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

    /// `baseURL` like `http://127.0.0.1:8080`.
    public init(baseURL: URL, token: String? = nil) {
        self.baseURL = baseURL
        self.token = token
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
        let session = try JSONDecoder().decode(SessionInfo.self, from: data)
        return BitgoeulAPI(baseURL: baseURL, token: session.token)
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
        guard let url = URL(string: baseURL.absoluteString.trimmingSuffix("/") + path) else {
            throw Failure(status: 0, code: "bad_path", message: "not a URL path: \(path)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = try JSONEncoder().encode(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let detail = try? JSONDecoder().decode(ErrorBody.self, from: data)
            throw Failure(
                status: status, code: detail?.error.code ?? "unknown",
                message: detail?.error.message ?? String(decoding: data, as: UTF8.self))
        }
        return data
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
