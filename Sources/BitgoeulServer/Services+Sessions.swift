import Hummingbird
import WorldModel

/// The token from `Authorization: Bearer <token>`, if present.
func bearerToken(_ request: Request) -> String? {
    guard let header = request.headers[.authorization] else { return nil }
    let prefix = "Bearer "
    guard header.hasPrefix(prefix) else { return nil }
    return String(header.dropFirst(prefix.count)).trimmingWhitespace()
}

extension Services {
    /// The signed-in account of a request, or a 401.
    func requireAccount(_ request: Request) async throws -> Int64 {
        guard let token = bearerToken(request), let account = try await account(forToken: token) else {
            throw APIError.unauthorized
        }
        return account
    }
}
