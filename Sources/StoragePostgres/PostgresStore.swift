import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Storage
import WorldModel

/// The backend for several nodes: PostgreSQL through postgres-nio's connection pool, migrated on open.
///
/// Every write that checks before it changes (limits, revisions, the log's next index, the ε
/// budget) runs in one transaction holding a lock on what it checks, so two nodes cannot both pass
/// the check. Times are stored as seconds since 1970 (`double precision`), as in SQLite.
public final class PostgresStore: Store {
    public let location: PostgresLocation
    /// How long one operation may wait for the database before it fails as `unavailable`.
    public let operationTimeoutS: Double
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    /// Connections the pool may open (PostgreSQL's default `max_connections` is 100, shared by all nodes).
    public static let connectionsMaxDefault = 16

    private init(location: PostgresLocation, client: PostgresClient, logger: Logger, operationTimeoutS: Double) {
        self.location = location
        self.client = client
        self.logger = logger
        self.operationTimeoutS = operationTimeoutS
        running = Task { await client.run() }
    }

    /// Connects, creates the schema if one is named, applies the migrations this database lacks,
    /// and starts the pool. Throws a `PostgresStoreError` saying why when the database cannot be
    /// reached, refuses the user, or does not exist.
    public static func open(
        _ location: PostgresLocation, connectionsMax: Int = connectionsMaxDefault, operationTimeoutS: Double = 10,
        logger: Logger = Logger(label: "bitgoeul.postgres")
    ) async throws -> PostgresStore {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try connectionConfiguration(location), id: 0, logger: logger)
        } catch {
            throw PostgresStoreError("cannot open \(location): \(Self.reason(error))")
        }
        do {
            try await Migrations.apply(on: connection, schema: location.schema, logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw PostgresStoreError("cannot migrate \(location): \(Self.reason(error))")
        }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: try clientTLS(location.tls))
        configuration.options.maximumConnections = connectionsMax
        configuration.options.connectTimeout = .seconds(5)
        if let schema = location.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        return PostgresStore(
            location: location, client: PostgresClient(configuration: configuration, backgroundLogger: logger),
            logger: logger, operationTimeoutS: operationTimeoutS)
    }

    /// Stops the pool; operations after this fail.
    public func close() async {
        running.cancel()
        _ = await running.value
    }

    static func connectionConfiguration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        if let schema = location.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        return configuration
    }

    static func clientTLS(_ mode: PostgresLocation.TLSMode) throws -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    /// What the server said, or the network's reason, without query text or bound values.
    static func reason(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] { return message }
            if let underlying = e.underlying { return String(describing: underlying) }
            return "\(e.code)"
        }
        return String(describing: error)
    }
}

// MARK: Running operations

extension PostgresStore {
    /// Runs `body` on a pooled connection, failing as `unavailable` past `operationTimeoutS`.
    @discardableResult
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await bounded { [client] in try await client.withConnection { try await body($0) } }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws (its
    /// error is passed on as it is).
    @discardableResult
    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await bounded { [client, logger] in
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    private func bounded<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeoutS = operationTimeoutS
        let location = location
        do {
            return try await withDeadline(
                seconds: timeoutS,
                expired: {
                    StoreError(.unavailable, "the database at \(location) did not answer within \(timeoutS) s")
                },
                operation)
        } catch let error as PSQLError where error.serverInfo == nil {
            throw StoreError(.unavailable, "the database at \(location) is unreachable: \(Self.reason(error))")
        }
    }
}

// MARK: Accounts, sessions, personas

extension PostgresStore {
    public func createAccount(username: String, passwordHash: String, now: Date) async throws -> Account {
        let created = now.timeIntervalSince1970
        return try await uniqueOr("the username is taken") {
            try await self.write { c in
                let rows = try await c.query(
                    """
                    INSERT INTO account (username, password_hash, created_at)
                    VALUES (\(username), \(passwordHash), \(created)) RETURNING id
                    """, logger: self.logger)
                let id = try await rows.single().decode(Int64.self)
                return Account(id: id, username: username, createdAt: now)
            }
        }
    }

    public func account(username: String) async throws -> (account: Account, passwordHash: String)? {
        try await read { c in
            try await c.query(
                """
                SELECT id, username, created_at, password_hash FROM account
                WHERE ascii_lower(username) = ascii_lower(\(username))
                """, logger: self.logger
            ).first { row in
                let (id, name, created, hash) = try row.decode((Int64, String, Double, String).self)
                return (Account(id: id, username: name, createdAt: Date(timeIntervalSince1970: created)), hash)
            }
        }
    }

    public func account(id: Int64) async throws -> Account? {
        try await read { c in
            try await c.query("SELECT id, username, created_at FROM account WHERE id = \(id)", logger: self.logger)
                .first { row in
                    let (id, name, created) = try row.decode((Int64, String, Double).self)
                    return Account(id: id, username: name, createdAt: Date(timeIntervalSince1970: created))
                }
        }
    }

    public func createSession(_ session: SessionRecord) async throws {
        let hash = Data(session.tokenHash)
        let expires = session.expiresAt.timeIntervalSince1970
        try await write { c in
            try await c.query(
                """
                INSERT INTO session (token_hash, account_id, expires_at)
                VALUES (\(hash), \(session.accountId), \(expires))
                """, logger: self.logger)
        }
    }

    public func session(tokenHash: [UInt8]) async throws -> SessionRecord? {
        let hash = Data(tokenHash)
        return try await read { c in
            try await c.query(
                "SELECT account_id, expires_at FROM session WHERE token_hash = \(hash)", logger: self.logger
            ).first { row in
                let (account, expires) = try row.decode((Int64, Double).self)
                return SessionRecord(
                    tokenHash: tokenHash, accountId: account, expiresAt: Date(timeIntervalSince1970: expires))
            }
        }
    }

    public func deleteSession(tokenHash: [UInt8]) async throws {
        let hash = Data(tokenHash)
        try await write { c in
            try await c.query("DELETE FROM session WHERE token_hash = \(hash)", logger: self.logger)
        }
    }

    public func deleteExpiredSessions(now: Date) async throws -> Int {
        let t = now.timeIntervalSince1970
        return try await write { c in
            try await c.changing("DELETE FROM session WHERE expires_at < \(t)", logger: self.logger)
        }
    }

    static let personaColumns: PostgresQuery =
        "SELECT id, account_id, name, body_shape, skin_color, primary_color, secondary_color, accessory, created_at FROM persona"

    public func personas(accountId: Int64) async throws -> [Persona] {
        try await read { c in
            try await c.query(
                "\(unescaped: Self.personaColumns.sql) WHERE account_id = \(accountId) ORDER BY id", logger: self.logger
            ).all { try Self.persona(from: $0).persona }
        }
    }

    public func personaNames(everHeldBy accountId: Int64) async throws -> [String] {
        try await read { c in
            try await c.query(
                "SELECT name FROM persona_name_history WHERE account_id = \(accountId) ORDER BY name COLLATE \"C\"",
                logger: self.logger
            ).all { try $0.decode(String.self) }
        }
    }

    public func persona(id: Int64) async throws -> (accountId: Int64, persona: Persona, createdAt: Date)? {
        try await read { c in
            try await c.query("\(unescaped: Self.personaColumns.sql) WHERE id = \(id)", logger: self.logger)
                .first { try Self.persona(from: $0) }
        }
    }

    public func createPersona(
        accountId: Int64, name: String, appearance: Appearance, maxPerAccount: Int, now: Date
    ) async throws -> Persona {
        let created = now.timeIntervalSince1970
        return try await uniqueOr("the persona name is taken") {
            try await self.write { c in
                // The account row is locked, so two nodes cannot both pass the count.
                try await c.query("SELECT 1 FROM account WHERE id = \(accountId) FOR UPDATE", logger: self.logger)
                let count = try await c.query(
                    "SELECT COUNT(*) FROM persona WHERE account_id = \(accountId)", logger: self.logger
                ).single().decode(Int64.self)
                guard count < maxPerAccount else {
                    throw StoreError(.limit, "an account has at most \(maxPerAccount) personas")
                }
                let id = try await c.query(
                    """
                    INSERT INTO persona (account_id, name, body_shape, skin_color, primary_color, secondary_color,
                                         accessory, created_at)
                    VALUES (\(accountId), \(name), \(Int64(appearance.bodyShape.rawValue)),
                            \(Int64(appearance.skinColor)), \(Int64(appearance.primaryColor)),
                            \(Int64(appearance.secondaryColor)), \(Int64(appearance.accessory.rawValue)), \(created))
                    RETURNING id
                    """, logger: self.logger
                ).single().decode(Int64.self)
                return Persona(id: id, name: name, appearance: appearance)
            }
        }
    }

    public func updatePersona(accountId: Int64, personaId: Int64, name: String, appearance: Appearance) async throws
        -> Persona
    {
        try await uniqueOr("the persona name is taken") {
            try await self.write { c in
                let changed = try await c.changing(
                    """
                    UPDATE persona SET name = \(name), body_shape = \(Int64(appearance.bodyShape.rawValue)),
                           skin_color = \(Int64(appearance.skinColor)), primary_color = \(Int64(appearance.primaryColor)),
                           secondary_color = \(Int64(appearance.secondaryColor)),
                           accessory = \(Int64(appearance.accessory.rawValue))
                    WHERE id = \(personaId) AND account_id = \(accountId)
                    """, logger: self.logger)
                guard changed == 1 else { throw StoreError(.notFound, "no persona \(personaId) on this account") }
                return Persona(id: personaId, name: name, appearance: appearance)
            }
        }
    }

    public func deletePersona(accountId: Int64, personaId: Int64) async throws {
        try await write { c in
            let deleted = try await c.changing(
                "DELETE FROM persona WHERE id = \(personaId) AND account_id = \(accountId)", logger: self.logger)
            guard deleted == 1 else { throw StoreError(.notFound, "no persona \(personaId) on this account") }
        }
    }

    static func persona(from row: PostgresRow) throws -> (accountId: Int64, persona: Persona, createdAt: Date) {
        let (id, account, name, body, skin, primary, secondary, accessory, created) = try row.decode(
            (Int64, Int64, String, Int64, Int64, Int64, Int64, Int64, Double).self)
        let appearance = Appearance(
            bodyShape: try decodedCase(BodyShape.self, body, table: "persona", column: "body_shape"),
            skinColor: try color(skin, "skin_color"), primaryColor: try color(primary, "primary_color"),
            secondaryColor: try color(secondary, "secondary_color"),
            accessory: try decodedCase(Accessory.self, accessory, table: "persona", column: "accessory"))
        return (account, Persona(id: id, name: name, appearance: appearance), Date(timeIntervalSince1970: created))
    }

    private static func color(_ stored: Int64, _ column: String) throws -> UInt32 {
        guard let value = UInt32(exactly: stored) else {
            throw CorruptRecord(table: "persona", column: column, value: String(stored))
        }
        return value
    }

    /// Runs `body`, turning a unique-constraint violation into a `conflict` with `message`.
    func uniqueOr<T>(_ message: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StoreError(.conflict, message)
        }
    }
}
