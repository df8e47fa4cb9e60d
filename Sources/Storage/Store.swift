import Foundation
import WorldModel

/// A registered account: the login name is private to its owner, never shown in the world.
public struct Account: Hashable, Sendable, Codable {
    public var id: Int64
    public var username: String
    public var createdAt: Date

    public init(id: Int64, username: String, createdAt: Date) {
        self.id = id
        self.username = username
        self.createdAt = createdAt
    }
}

/// A live sign-in: only the SHA-256 of the token is stored, so a stolen database opens no sessions.
public struct SessionRecord: Hashable, Sendable {
    public var tokenHash: [UInt8]
    public var accountId: Int64
    public var expiresAt: Date

    public init(tokenHash: [UInt8], accountId: Int64, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.accountId = accountId
        self.expiresAt = expiresAt
    }
}

/// Why a store operation was refused.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A unique value (username, persona name) is taken.
        case conflict
        case notFound
        /// A per-account limit (personas) is reached.
        case limit
        /// The database did not answer (unreachable, restarting, or slower than the operation's limit).
        case unavailable
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// Durable state of the server: accounts, sessions and personas. Never positions or chat.
///
/// One protocol, one shared test suite; SQLite is the embedded backend, PostgreSQL the one for
/// several machines.
public protocol Store: SafetyStore, PrivacyStore, MissionStore, PlanningStore {
    /// Creates an account; throws `conflict` when the username is taken (case-insensitive).
    func createAccount(username: String, passwordHash: String, now: Date) async throws -> Account
    /// The account and its stored password hash.
    func account(username: String) async throws -> (account: Account, passwordHash: String)?
    /// The account with this id (without its password hash).
    func account(id: Int64) async throws -> Account?

    func createSession(_ session: SessionRecord) async throws
    func session(tokenHash: [UInt8]) async throws -> SessionRecord?
    func deleteSession(tokenHash: [UInt8]) async throws
    /// Deletes sessions that expired before `now`; returns how many.
    func deleteExpiredSessions(now: Date) async throws -> Int

    func personas(accountId: Int64) async throws -> [Persona]
    /// Every name the account's personas have had, current and former, sorted.
    func personaNames(everHeldBy accountId: Int64) async throws -> [String]
    /// The persona, the account it belongs to and when it was made.
    func persona(id: Int64) async throws -> (accountId: Int64, persona: Persona, createdAt: Date)?
    /// Creates a persona; throws `limit` past `maxPerAccount`, `conflict` when the name is taken.
    func createPersona(accountId: Int64, name: String, appearance: Appearance, maxPerAccount: Int, now: Date)
        async throws -> Persona
    /// Renames or re-dresses a persona of this account; throws `notFound` or `conflict`.
    func updatePersona(accountId: Int64, personaId: Int64, name: String, appearance: Appearance) async throws -> Persona
    func deletePersona(accountId: Int64, personaId: Int64) async throws
}

/// A stored row that holds what no version of Bitgoeul writes (an unknown kind, category or
/// status): reading it is an error, never a guess, so a corrupt block is not taken for a mute.
public struct CorruptRecord: Error, Hashable, Sendable, CustomStringConvertible {
    public var table: String
    public var column: String
    public var value: String

    public init(table: String, column: String, value: String) {
        self.table = table
        self.column = column
        self.value = value
    }

    public var description: String { "corrupt record: \(table).\(column) holds '\(value)'" }
}
