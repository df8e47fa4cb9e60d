import Accounts
import Foundation
import Hummingbird
import Storage
import WorldModel

/// Accounts and sessions: register, sign in, sign out.
struct AccountsController {
    let services: Services

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

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .post("/api/v1/accounts", use: register)
            .post("/api/v1/sessions", use: signIn)
            .delete("/api/v1/sessions", use: signOut)
    }

    @Sendable func register(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let body = try await request.decode(as: Credentials.self, context: context)
        let username = try Self.validUsername(body.username)
        try Self.checkPassword(body.password)
        let hash = try await services.hashPassword(body.password)
        do {
            let account = try await services.store.createAccount(
                username: username, passwordHash: hash, now: services.now())
            return JSON.response(
                AccountBody(id: account.id, username: account.username, createdAt: account.createdAt),
                status: .created)
        } catch let error as StoreError where error.code == .conflict {
            throw APIError(.conflict, "username_taken", "that username is taken; choose another")
        }
    }

    @Sendable func signIn(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let body = try await request.decode(as: Credentials.self, context: context)
        let username = body.username.lowercased()
        guard Self.usernameLengths.contains(username.unicodeScalars.count),
            Self.passwordLengths.contains(body.password.unicodeScalars.count)
        else {
            throw Self.wrongCredentials
        }
        let accountId = try await checkCredentials(
            username: username, password: body.password, from: context.clientAddress(request, services: services))
        let (token, hash) = SessionToken.make()
        let expires = services.now().addingTimeInterval(services.config.sessionLifetimeS)
        try await services.store.createSession(SessionRecord(tokenHash: hash, accountId: accountId, expiresAt: expires))
        return JSON.response(SessionBody(token: token, accountId: accountId, expiresAt: expires), status: .created)
    }

    @Sendable func signOut(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        guard let token = bearerToken(request), try await services.account(forToken: token) != nil else {
            throw APIError.unauthorized
        }
        try await services.store.deleteSession(tokenHash: SessionToken.hash(token))
        return Response(status: .noContent)
    }

    static let wrongCredentials = APIError(.unauthorized, "invalid_credentials", "the username or password is wrong")

    /// The account whose password this is, through the sign-in back-off: 429 while `username` or
    /// `address` must wait, 401 for a wrong username or password (in the same time either way).
    func checkCredentials(username: String, password: String, from address: ClientAddress) async throws -> Int64 {
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
            try await services.spendPasswordCheck(password)
            verified = false
            throw Self.wrongCredentials
        }
        verified = try await services.verifyPassword(password, against: found.passwordHash)
        guard verified == true else { throw Self.wrongCredentials }
        return found.account.id
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
