import Foundation
import GRDB
import Storage
import WorldModel

/// The embedded backend: one SQLite file in WAL mode through GRDB, migrated on open.
public final class SQLiteStore: Store {
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and runs the migrations.
    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Deleted rows (an erased account) are overwritten, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        pool = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-accounts-sessions-personas") { db in
            try db.execute(
                sql: """
                    CREATE TABLE account (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        password_hash TEXT NOT NULL,
                        created_at DOUBLE NOT NULL
                    );
                    CREATE TABLE session (
                        token_hash BLOB PRIMARY KEY,
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        expires_at DOUBLE NOT NULL
                    );
                    CREATE INDEX session_expiry ON session(expires_at);
                    CREATE TABLE persona (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        body_shape INTEGER NOT NULL,
                        skin_color INTEGER NOT NULL,
                        primary_color INTEGER NOT NULL,
                        secondary_color INTEGER NOT NULL,
                        accessory INTEGER NOT NULL,
                        created_at DOUBLE NOT NULL
                    );
                    CREATE INDEX persona_account ON persona(account_id);
                    """)
        }
        registerSafetyMigration(&m)
        registerExhibitionMigration(&m)
        registerPrivacyMigration(&m)
        m.registerMigration("v5-persona-name-history") { db in
            // Every name an account's personas have had, so erasure can find former names in others'
            // records (notices, reports, actions). Deleted with the account; kept by triggers so no
            // write path can forget it.
            try db.execute(
                sql: """
                    CREATE TABLE persona_name_history (
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        PRIMARY KEY (account_id, name)
                    ) WITHOUT ROWID;
                    INSERT OR IGNORE INTO persona_name_history SELECT account_id, name FROM persona;
                    CREATE TRIGGER persona_name_insert AFTER INSERT ON persona BEGIN
                        INSERT OR IGNORE INTO persona_name_history VALUES (NEW.account_id, NEW.name);
                    END;
                    CREATE TRIGGER persona_name_update AFTER UPDATE OF name ON persona BEGIN
                        INSERT OR IGNORE INTO persona_name_history VALUES (NEW.account_id, NEW.name);
                    END;
                    """)
        }
        registerMissionMigration(&m)
        registerPlanningMigration(&m)
        return m
    }

    public func createAccount(username: String, passwordHash: String, now: Date) async throws -> Account {
        do {
            return try await pool.write { db in
                try db.execute(
                    sql: "INSERT INTO account (username, password_hash, created_at) VALUES (?, ?, ?)",
                    arguments: [username, passwordHash, now.timeIntervalSince1970])
                return Account(id: db.lastInsertedRowID, username: username, createdAt: now)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError(.conflict, "the username is taken")
        }
    }

    public func account(username: String) async throws -> (account: Account, passwordHash: String)? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, username, password_hash, created_at FROM account WHERE username = ?",
                    arguments: [username])
            else { return nil }
            let account = Account(
                id: row["id"], username: row["username"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
            return (account, row["password_hash"])
        }
    }

    public func account(id: Int64) async throws -> Account? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, username, created_at FROM account WHERE id = ?", arguments: [id]).map
            {
                Account(
                    id: $0["id"], username: $0["username"], createdAt: Date(timeIntervalSince1970: $0["created_at"]))
            }
        }
    }

    public func createSession(_ session: SessionRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO session (token_hash, account_id, expires_at) VALUES (?, ?, ?)",
                arguments: [Data(session.tokenHash), session.accountId, session.expiresAt.timeIntervalSince1970])
        }
    }

    public func session(tokenHash: [UInt8]) async throws -> SessionRecord? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT account_id, expires_at FROM session WHERE token_hash = ?",
                    arguments: [Data(tokenHash)])
            else { return nil }
            return SessionRecord(
                tokenHash: tokenHash, accountId: row["account_id"],
                expiresAt: Date(timeIntervalSince1970: row["expires_at"]))
        }
    }

    public func deleteSession(tokenHash: [UInt8]) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM session WHERE token_hash = ?", arguments: [Data(tokenHash)])
        }
    }

    public func deleteExpiredSessions(now: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM session WHERE expires_at < ?", arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    public func personas(accountId: Int64) async throws -> [Persona] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM persona WHERE account_id = ? ORDER BY id", arguments: [accountId])
                .map { try Self.persona(from: $0) }
        }
    }

    public func personaNames(everHeldBy accountId: Int64) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM persona_name_history WHERE account_id = ? ORDER BY name",
                arguments: [accountId])
        }
    }

    public func persona(id: Int64) async throws -> (accountId: Int64, persona: Persona, createdAt: Date)? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM persona WHERE id = ?", arguments: [id]) else {
                return nil
            }
            return (row["account_id"], try Self.persona(from: row), Date(timeIntervalSince1970: row["created_at"]))
        }
    }

    public func createPersona(
        accountId: Int64, name: String, appearance: Appearance, maxPerAccount: Int, now: Date
    ) async throws -> Persona {
        try await mapUnique {
            try await pool.write { db in
                let count =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM persona WHERE account_id = ?", arguments: [accountId])
                    ?? 0
                guard count < maxPerAccount else {
                    throw StoreError(.limit, "an account has at most \(maxPerAccount) personas")
                }
                try db.execute(
                    sql: """
                        INSERT INTO persona (account_id, name, body_shape, skin_color, primary_color, secondary_color,
                                             accessory, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        accountId, name, appearance.bodyShape.rawValue, appearance.skinColor, appearance.primaryColor,
                        appearance.secondaryColor, appearance.accessory.rawValue, now.timeIntervalSince1970,
                    ])
                return Persona(id: db.lastInsertedRowID, name: name, appearance: appearance)
            }
        }
    }

    public func updatePersona(accountId: Int64, personaId: Int64, name: String, appearance: Appearance) async throws
        -> Persona
    {
        try await mapUnique {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        UPDATE persona SET name = ?, body_shape = ?, skin_color = ?, primary_color = ?,
                               secondary_color = ?, accessory = ? WHERE id = ? AND account_id = ?
                        """,
                    arguments: [
                        name, appearance.bodyShape.rawValue, appearance.skinColor, appearance.primaryColor,
                        appearance.secondaryColor, appearance.accessory.rawValue, personaId, accountId,
                    ])
                guard db.changesCount == 1 else {
                    throw StoreError(.notFound, "no persona \(personaId) on this account")
                }
                return Persona(id: personaId, name: name, appearance: appearance)
            }
        }
    }

    public func deletePersona(accountId: Int64, personaId: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM persona WHERE id = ? AND account_id = ?", arguments: [personaId, accountId])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no persona \(personaId) on this account") }
        }
    }

    private func mapUnique<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError(.conflict, "the persona name is taken")
        }
    }

    private static func persona(from row: Row) throws -> Persona {
        let appearance = Appearance(
            bodyShape: try row.decoded(BodyShape.self, "body_shape", table: "persona"),
            skinColor: row["skin_color"], primaryColor: row["primary_color"], secondaryColor: row["secondary_color"],
            accessory: try row.decoded(Accessory.self, "accessory", table: "persona"))
        return Persona(id: row["id"], name: row["name"], appearance: appearance)
    }
}

extension SQLiteStore {
    /// Copies the database at `path` to `destination` (which must not exist) as one consistent
    /// snapshot while other processes keep writing: `VACUUM INTO` on a read-only connection runs in
    /// one read transaction and writes no free pages, so erased rows do not come along.
    public static func snapshot(databaseAt path: String, to destination: String) throws {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: config)
        try queue.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [destination]) }
        try queue.close()
    }

    /// What `PRAGMA integrity_check` finds wrong with the database at `path`, or nil when it is sound.
    public static func integrityProblem(path: String) throws -> String? {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        let rows = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(20)") }
        return rows == ["ok"] ? nil : rows.joined(separator: "; ")
    }
}
