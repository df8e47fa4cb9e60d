import Foundation
import Hummingbird
import Storage
import WorldModel

/// Accounts and sessions: register, sign in, sign out.
enum AccountRoutes {
    static let usernameLengths = 3...32
    static let passwordLengths = 8...128

    struct Credentials: Decodable {
        let username: String
        let password: String
    }

    struct AccountBody: Encodable {
        let id: Int64
        let username: String
        let createdAt: Date
    }

    struct SessionBody: Encodable {
        let token: String
        let accountId: Int64
        let expiresAt: Date
    }

    static func add(to router: Router<BitgoeulRequestContext>, services: Services) {
        router.post("/api/v1/accounts") { request, context -> Response in
            let body = try await request.decode(as: Credentials.self, context: context)
            let username = try validUsername(body.username)
            try checkPassword(body.password)
            let hash = try await services.hasher.hash(body.password)
            do {
                let account = try await services.store.createAccount(
                    username: username, passwordHash: hash, now: Date())
                return JSON.response(
                    AccountBody(id: account.id, username: account.username, createdAt: account.createdAt),
                    status: .created)
            } catch let error as StoreError where error.code == .conflict {
                throw APIError(.conflict, "username_taken", "that username is taken; choose another")
            }
        }

        router.post("/api/v1/sessions") { request, context -> Response in
            let body = try await request.decode(as: Credentials.self, context: context)
            let username = body.username.lowercased()
            let failed = APIError(.unauthorized, "invalid_credentials", "the username or password is wrong")
            guard usernameLengths.contains(username.unicodeScalars.count),
                passwordLengths.contains(body.password.unicodeScalars.count)
            else {
                throw failed
            }
            let address = context.clientAddress(request, services: services)
            if case .wait(let seconds, let account) = services.signIns.begin(account: username, address: address) {
                let whom = account ? "this account" : "your network address"
                throw APIError.tooMany(
                    "too_many_attempts",
                    "too many failed sign-ins for \(whom); try again in \(Int(seconds.rounded(.up))) s",
                    retryAfterS: seconds)
            }
            // nil when the check did not run (the server was busy): not a failure of the person.
            var verified: Bool?
            defer { services.signIns.end(account: username, address: address, succeeded: verified) }
            guard let found = try await services.store.account(username: username) else {
                try await services.hasher.dummyVerify(body.password)
                verified = false
                throw failed
            }
            verified = try await services.hasher.verify(body.password, against: found.passwordHash)
            guard verified == true else { throw failed }
            let (token, hash) = SessionToken.make()
            let expires = Date().addingTimeInterval(services.config.sessionLifetimeS)
            try await services.store.createSession(
                SessionRecord(tokenHash: hash, accountId: found.account.id, expiresAt: expires))
            return JSON.response(
                SessionBody(token: token, accountId: found.account.id, expiresAt: expires), status: .created)
        }

        router.delete("/api/v1/sessions") { request, _ -> Response in
            guard let token = bearerToken(request), try await services.account(forToken: token) != nil else {
                throw APIError.unauthorized
            }
            try await services.store.deleteSession(tokenHash: SessionToken.hash(token))
            return Response(status: .noContent)
        }
    }

    static func validUsername(_ raw: String) throws -> String {
        let name = raw.lowercased()
        guard usernameLengths.contains(name.unicodeScalars.count),
            name.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "." || $0 == "-"
            })
        else {
            throw APIError.invalid("username", "3 to 32 of a-z, 0-9, '_', '.', '-'")
        }
        return name
    }

    static func checkPassword(_ password: String) throws {
        guard passwordLengths.contains(password.unicodeScalars.count) else {
            throw APIError.invalid("password", "8 to 128 characters")
        }
        guard !password.allSatisfy(\.isWhitespace) else {
            throw APIError.invalid("password", "must not be only spaces")
        }
    }
}

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
