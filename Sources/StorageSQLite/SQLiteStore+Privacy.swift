import Foundation
import GRDB
import Storage

extension SQLiteStore {
    static func registerPrivacyMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v4-privacy") { db in
            try db.execute(
                sql: """
                    CREATE TABLE account_secret (
                        account_id INTEGER PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                        secret BLOB NOT NULL
                    );
                    CREATE TABLE vault (
                        account_id INTEGER PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                        revision INTEGER NOT NULL,
                        blob TEXT NOT NULL,
                        updated_at DOUBLE NOT NULL
                    );
                    CREATE TABLE access_log (
                        idx INTEGER PRIMARY KEY,
                        subject TEXT NOT NULL,
                        entry TEXT NOT NULL,
                        leaf_hash BLOB NOT NULL
                    );
                    CREATE INDEX access_subject ON access_log(subject, idx);
                    CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
                        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                    CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
                        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                    CREATE TABLE tree_head (
                        size INTEGER PRIMARY KEY,
                        timestamp INTEGER NOT NULL,
                        root_hash TEXT NOT NULL,
                        signature TEXT NOT NULL
                    );
                    CREATE TABLE stats_release (
                        space TEXT NOT NULL,
                        hour_start INTEGER NOT NULL,
                        release TEXT NOT NULL,
                        PRIMARY KEY (space, hour_start)
                    );
                    CREATE TABLE privacy_budget (
                        space TEXT NOT NULL,
                        day TEXT NOT NULL,
                        hour_start INTEGER NOT NULL,
                        epsilon DOUBLE NOT NULL,
                        PRIMARY KEY (space, hour_start)
                    );
                    CREATE INDEX privacy_budget_day ON privacy_budget(space, day);
                    ALTER TABLE report ADD COLUMN reporter_erased INTEGER NOT NULL DEFAULT 0;
                    -- A moderator's erasure keeps their actions (the person concerned still reads them).
                    CREATE TABLE moderation_action_new (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        moderator_account INTEGER REFERENCES account(id) ON DELETE SET NULL,
                        target_account INTEGER REFERENCES account(id) ON DELETE CASCADE,
                        target_name TEXT NOT NULL,
                        space TEXT NOT NULL,
                        report_id INTEGER REFERENCES report(id) ON DELETE SET NULL,
                        reason TEXT NOT NULL,
                        created_at DOUBLE NOT NULL,
                        until DOUBLE
                    );
                    INSERT INTO moderation_action_new SELECT id, kind, moderator_account, target_account, target_name,
                        space, report_id, reason, created_at, until FROM moderation_action;
                    DROP TABLE moderation_action;
                    ALTER TABLE moderation_action_new RENAME TO moderation_action;
                    CREATE INDEX moderation_target ON moderation_action(target_account, created_at);
                    CREATE INDEX moderation_moderator ON moderation_action(moderator_account, created_at);
                    """)
        }
    }

    // MARK: Secrets and the vault

    public func accountId(personaName: String) async throws -> Int64? {
        try await pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT account_id FROM persona WHERE name = ? COLLATE NOCASE", arguments: [personaName])
        }
    }

    public func accountSecret(account: Int64) async throws -> [UInt8] {
        try await pool.write { db in
            if let secret = try Data.fetchOne(
                db, sql: "SELECT secret FROM account_secret WHERE account_id = ?", arguments: [account])
            {
                return [UInt8](secret)
            }
            var rng = SystemRandomNumberGenerator()
            let secret = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
            try db.execute(
                sql: "INSERT INTO account_secret (account_id, secret) VALUES (?, ?)",
                arguments: [account, Data(secret)])
            return secret
        }
    }

    public func vault(account: Int64) async throws -> StoredVault? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM vault WHERE account_id = ?", arguments: [account]).map {
                StoredVault(
                    revision: $0["revision"], blob: $0["blob"], updatedAt: Date(timeIntervalSince1970: $0["updated_at"])
                )
            }
        }
    }

    public func putVault(account: Int64, blob: String, expectedRevision: Int?, now: Date) async throws -> StoredVault {
        try await pool.write { db in
            let current =
                try Int.fetchOne(db, sql: "SELECT revision FROM vault WHERE account_id = ?", arguments: [account]) ?? 0
            if let expected = expectedRevision, expected != current {
                throw StoreError(.conflict, "the vault is at revision \(current), not \(expected)")
            }
            try db.execute(
                sql: """
                    INSERT INTO vault (account_id, revision, blob, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(account_id) DO UPDATE SET revision = excluded.revision, blob = excluded.blob,
                        updated_at = excluded.updated_at
                    """,
                arguments: [account, current + 1, blob, now.timeIntervalSince1970])
            return StoredVault(revision: current + 1, blob: blob, updatedAt: now)
        }
    }

    public func deleteVault(account: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM vault WHERE account_id = ?", arguments: [account])
        }
    }

    // MARK: Transparency log

    public func appendAccess(index: Int, subject: String, json: String, leafHash: [UInt8], head: StoredTreeHead)
        async throws
    {
        try await pool.write { db in
            let size = try Int.fetchOne(db, sql: Self.accessLogSizeSQL) ?? 0
            guard size == index, head.size == index + 1 else {
                throw StoreError(.conflict, "the log has \(size) entries, not \(index)")
            }
            try db.execute(
                sql: "INSERT INTO access_log (idx, subject, entry, leaf_hash) VALUES (?, ?, ?, ?)",
                arguments: [index, subject, json, Data(leafHash)])
            try db.execute(
                sql: "INSERT INTO tree_head (size, timestamp, root_hash, signature) VALUES (?, ?, ?, ?)",
                arguments: [head.size, head.timestamp, head.rootHash, head.signature])
        }
    }

    /// Entries are numbered 0, 1, 2 … without gaps, so the size is one past the last index (O(log n)).
    static let accessLogSizeSQL = "SELECT COALESCE(MAX(idx) + 1, 0) FROM access_log"

    public func accessLogSize() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: Self.accessLogSizeSQL) ?? 0 }
    }

    public func accessLeaves() async throws -> [[UInt8]] {
        try await pool.read { db in
            try Data.fetchAll(db, sql: "SELECT leaf_hash FROM access_log ORDER BY idx").map { [UInt8]($0) }
        }
    }

    public func accessEntries() async throws -> [StoredAccess] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM access_log ORDER BY idx").map(Self.access(from:))
        }
    }

    public func accessEntries(subject: String, limit: Int) async throws -> [StoredAccess] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM access_log WHERE subject = ? ORDER BY idx LIMIT ?", arguments: [subject, limit]
            ).map(Self.access(from:))
        }
    }

    static func access(from row: Row) -> StoredAccess {
        StoredAccess(index: row["idx"], json: row["entry"], leafHash: [UInt8](row["leaf_hash"] as Data))
    }

    public func treeHeads() async throws -> [StoredTreeHead] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tree_head ORDER BY size").map(Self.head(from:))
        }
    }

    public func treeHead(size: Int) async throws -> StoredTreeHead? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tree_head WHERE size = ?", arguments: [size]).map(Self.head(from:))
        }
    }

    public func latestTreeHead() async throws -> StoredTreeHead? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tree_head ORDER BY size DESC LIMIT 1").map(Self.head(from:))
        }
    }

    static func head(from row: Row) -> StoredTreeHead {
        StoredTreeHead(
            size: row["size"], timestamp: row["timestamp"], rootHash: row["root_hash"], signature: row["signature"])
    }

    // MARK: Statistics and the privacy budget

    public func storeRelease(
        space: String, hourStart: Int64, day: String, epsilon: Double, dailyCap: Double, json: String
    ) async throws {
        try await pool.write { db in
            let spent =
                try Double.fetchOne(
                    db, sql: "SELECT COALESCE(SUM(epsilon), 0) FROM privacy_budget WHERE space = ? AND day = ?",
                    arguments: [space, day]) ?? 0
            guard spent + epsilon <= dailyCap + 1e-9 else {
                throw StoreError(.limit, "the privacy budget of \(space) for \(day) is spent (\(spent) of \(dailyCap))")
            }
            if try Bool.fetchOne(
                db, sql: "SELECT 1 FROM stats_release WHERE space = ? AND hour_start = ?",
                arguments: [space, hourStart])
                == true
            {
                throw StoreError(.conflict, "this hour of \(space) is already released")
            }
            try db.execute(
                sql: "INSERT INTO privacy_budget (space, day, hour_start, epsilon) VALUES (?, ?, ?, ?)",
                arguments: [space, day, hourStart, epsilon])
            try db.execute(
                sql: "INSERT INTO stats_release (space, hour_start, release) VALUES (?, ?, ?)",
                arguments: [space, hourStart, json])
        }
    }

    public func releases(space: String, from: Int64, to: Int64) async throws -> [(hourStart: Int64, json: String)] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT hour_start, release FROM stats_release WHERE space = ? AND hour_start >= ? AND hour_start < ?
                    ORDER BY hour_start
                    """,
                arguments: [space, from, to]
            ).map { (hourStart: $0["hour_start"], json: $0["release"]) }
        }
    }

    public func budgetSpent(space: String, day: String) async throws -> Double {
        try await pool.read { db in
            try Double.fetchOne(
                db, sql: "SELECT COALESCE(SUM(epsilon), 0) FROM privacy_budget WHERE space = ? AND day = ?",
                arguments: [space, day]) ?? 0
        }
    }

    // MARK: Retention

    public func sweep(retention: Retention, now: Date) async throws -> RetentionSweep {
        let t = now.timeIntervalSince1970
        return try await pool.write { db in
            var done = RetentionSweep()
            try db.execute(sql: "DELETE FROM notice WHERE created_at < ?", arguments: [t - retention.noticesS])
            done.notices = db.changesCount
            try db.execute(
                // A ban without an end stays: deleting it would lift it.
                sql: """
                    DELETE FROM moderation_action
                    WHERE NOT (kind = 'ban' AND until IS NULL) AND COALESCE(until, created_at) < ?
                    """,
                arguments: [t - retention.actionsS])
            done.actions = db.changesCount
            try db.execute(
                sql: "DELETE FROM report WHERE status != 'open' AND resolved_at IS NOT NULL AND resolved_at < ?",
                arguments: [t - retention.closedReportsS])
            done.reports = db.changesCount
            return done
        }
    }

    // MARK: Erasure

    public func eraseAccount(id: Int64, tombstone: String) async throws -> AccountErasure {
        let erasure: AccountErasure = try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [id]) == true else {
                throw StoreError(.notFound, "no such account")
            }
            var e = AccountErasure()
            e.personas =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM persona WHERE account_id = ?", arguments: [id]) ?? 0
            // Current and former names, longest first (so "Kim" does not break "Kimchi" before it is replaced).
            let names = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM persona WHERE account_id = ?
                    UNION SELECT name FROM persona_name_history WHERE account_id = ?
                    """,
                arguments: [id, id]
            ).sorted { $0.count > $1.count }
            e.sessions =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM session WHERE account_id = ?", arguments: [id]) ?? 0
            e.relations =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM relation WHERE owner_account = ? OR target_account = ?",
                    arguments: [id, id]) ?? 0
            e.friendships =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM friendship WHERE from_account = ? OR to_account = ?",
                    arguments: [id, id]) ?? 0
            e.vaultDeleted =
                try Bool.fetchOne(db, sql: "SELECT 1 FROM vault WHERE account_id = ?", arguments: [id]) == true
            try db.execute(sql: "UPDATE report SET reporter_erased = 1 WHERE reporter_account = ?", arguments: [id])
            e.reportsTombstoned = db.changesCount
            try db.execute(
                sql: "UPDATE report SET reported_name = ? WHERE reported_account = ?", arguments: [tombstone, id])
            // Others' records that quote one of the persona names (notices, report notes, actions).
            for name in names {
                try db.execute(sql: "UPDATE notice SET text = replace(text, ?, ?)", arguments: [name, tombstone])
                try db.execute(sql: "UPDATE report SET note = replace(note, ?, ?)", arguments: [name, tombstone])
                try db.execute(
                    sql: "UPDATE report SET outcome = replace(outcome, ?, ?)", arguments: [name, tombstone])
                try db.execute(
                    sql: "UPDATE report SET reported_name = ? WHERE reported_name = ? COLLATE NOCASE",
                    arguments: [tombstone, name])
                try db.execute(
                    sql: "UPDATE moderation_action SET reason = replace(reason, ?, ?)", arguments: [name, tombstone])
                try db.execute(
                    sql: "UPDATE moderation_action SET target_name = ? WHERE target_name = ? COLLATE NOCASE",
                    arguments: [tombstone, name])
                try db.execute(
                    sql: "UPDATE relation SET target_name = ? WHERE target_name = ? COLLATE NOCASE",
                    arguments: [tombstone, name])
            }
            // Cascades take personas, sessions, relations, friendships, roles, notices, the vault and
            // the secret (which unlinks the account's transparency-log tag for good).
            try db.execute(sql: "DELETE FROM account WHERE id = ?", arguments: [id])
            return e
        }
        // Secure delete zeroes the freed pages; a truncating checkpoint empties the WAL of old copies.
        try await pool.writeWithoutTransaction { db in
            _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        return erasure
    }
}

extension SQLiteStore {
    /// Every row of every table as text, plus every value in a column that refers to an account:
    /// what erasure tests and privacy reviews search.
    public func dump() async throws -> (text: String, accountIds: Set<Int64>) {
        try await pool.read { db in
            var text = ""
            var ids = Set<Int64>()
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            for table in tables {
                text += "-- \(table)\n"
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
                    for (column, value) in row {
                        switch value.storage {
                        case .string(let s): text += s
                        case .blob(let d): text += String(decoding: d, as: UTF8.self)
                        case .int64(let n):
                            text += String(n)
                            if column.contains("account") || (table == "account" && column == "id") { ids.insert(n) }
                        case .double(let x): text += String(x)
                        case .null: text += "NULL"
                        }
                        text += "|"
                    }
                    text += "\n"
                }
            }
            return (text, ids)
        }
    }
}
