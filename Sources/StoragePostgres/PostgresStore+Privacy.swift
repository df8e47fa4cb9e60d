import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    // MARK: Secrets and the vault

    public func accountId(personaName: String) async throws -> Int64? {
        try await read { c in
            try await c.query(
                "SELECT account_id FROM persona WHERE ascii_lower(name) = ascii_lower(\(personaName))",
                logger: self.logger
            ).first { try $0.decode(Int64.self) }
        }
    }

    public func accountSecret(account: Int64) async throws -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        let fresh = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
        return try await write { c in
            // The first caller's secret wins; a node racing it reads the same one back.
            try await c.changing(
                """
                INSERT INTO account_secret (account_id, secret) VALUES (\(account), \(fresh))
                ON CONFLICT (account_id) DO NOTHING
                """, logger: self.logger)
            return [UInt8](
                try await c.query(
                    "SELECT secret FROM account_secret WHERE account_id = \(account)", logger: self.logger
                )
                .single().decode(Data.self))
        }
    }

    public func vault(account: Int64) async throws -> StoredVault? {
        try await read { c in
            try await c.query(
                "SELECT revision, blob, updated_at FROM vault WHERE account_id = \(account)", logger: self.logger
            ).first { row in
                let (revision, blob, updated) = try row.decode((Int64, String, Double).self)
                return StoredVault(revision: Int(revision), blob: blob, updatedAt: Date(timeIntervalSince1970: updated))
            }
        }
    }

    public func putVault(account: Int64, blob: String, expectedRevision: Int?, now: Date) async throws -> StoredVault {
        let t = now.timeIntervalSince1970
        return try await write { c in
            // The row (or, before the first write, the account) is locked, so two devices writing
            // through two nodes are ordered and the second sees the first's revision.
            try await c.query("SELECT 1 FROM account WHERE id = \(account) FOR UPDATE", logger: self.logger)
            let current = Int(
                try await c.query("SELECT revision FROM vault WHERE account_id = \(account)", logger: self.logger)
                    .first { try $0.decode(Int64.self) } ?? 0)
            if let expected = expectedRevision, expected != current {
                throw StoreError(.conflict, "the vault is at revision \(current), not \(expected)")
            }
            let next = Int64(current + 1)
            try await c.changing(
                """
                INSERT INTO vault (account_id, revision, blob, updated_at) VALUES (\(account), \(next), \(blob), \(t))
                ON CONFLICT (account_id) DO UPDATE SET revision = excluded.revision, blob = excluded.blob,
                    updated_at = excluded.updated_at
                """, logger: self.logger)
            return StoredVault(revision: current + 1, blob: blob, updatedAt: now)
        }
    }

    public func deleteVault(account: Int64) async throws {
        try await write { c in
            try await c.changing("DELETE FROM vault WHERE account_id = \(account)", logger: self.logger)
        }
    }

    // MARK: Transparency log

    /// The one sequencer of the log: the transaction holds an advisory lock for the whole check and
    /// insert, so appends from every node are totally ordered and none can fork the tree.
    public func appendAccess(index: Int, subject: String, json: String, leafHash: [UInt8], head: StoredTreeHead)
        async throws
    {
        let leaf = Data(leafHash)
        try await write { c in
            try await c.query("SELECT pg_advisory_xact_lock(\(Migrations.accessLogLockKey))", logger: self.logger)
            let size = Int(try await c.query(Self.accessLogSizeSQL, logger: self.logger).single().decode(Int64.self))
            guard size == index, head.size == index + 1 else {
                throw StoreError(.conflict, "the log has \(size) entries, not \(index)")
            }
            try await c.changing(
                """
                INSERT INTO access_log (idx, subject, entry, leaf_hash)
                VALUES (\(Int64(index)), \(subject), \(json), \(leaf))
                """, logger: self.logger)
            try await c.changing(
                """
                INSERT INTO tree_head (size, timestamp, root_hash, signature)
                VALUES (\(Int64(head.size)), \(head.timestamp), \(head.rootHash), \(head.signature))
                """, logger: self.logger)
        }
    }

    /// Entries are numbered 0, 1, 2 … without gaps, so the size is one past the last index.
    static let accessLogSizeSQL: PostgresQuery = "SELECT COALESCE(MAX(idx) + 1, 0)::bigint FROM access_log"

    public func accessLogSize() async throws -> Int {
        try await read { c in
            Int(try await c.query(Self.accessLogSizeSQL, logger: self.logger).single().decode(Int64.self))
        }
    }

    public func accessLeaves() async throws -> [[UInt8]] {
        try await read { c in
            try await c.query("SELECT leaf_hash FROM access_log ORDER BY idx", logger: self.logger).all {
                [UInt8](try $0.decode(Data.self))
            }
        }
    }

    public func accessEntries() async throws -> [StoredAccess] {
        try await read { c in
            try await c.query("SELECT idx, entry, leaf_hash FROM access_log ORDER BY idx", logger: self.logger)
                .all(Self.access(from:))
        }
    }

    public func accessEntries(subject: String, limit: Int) async throws -> [StoredAccess] {
        try await read { c in
            try await c.query(
                """
                SELECT idx, entry, leaf_hash FROM access_log WHERE subject = \(subject) ORDER BY idx LIMIT \(limit)
                """, logger: self.logger
            ).all(Self.access(from:))
        }
    }

    static func access(from row: PostgresRow) throws -> StoredAccess {
        let (index, entry, leaf) = try row.decode((Int64, String, Data).self)
        return StoredAccess(index: Int(index), json: entry, leafHash: [UInt8](leaf))
    }

    public func treeHeads() async throws -> [StoredTreeHead] {
        try await read { c in
            try await c.query(
                "SELECT size, timestamp, root_hash, signature FROM tree_head ORDER BY size", logger: self.logger
            ).all(Self.head(from:))
        }
    }

    public func treeHead(size: Int) async throws -> StoredTreeHead? {
        try await read { c in
            try await c.query(
                "SELECT size, timestamp, root_hash, signature FROM tree_head WHERE size = \(Int64(size))",
                logger: self.logger
            ).first(Self.head(from:))
        }
    }

    public func latestTreeHead() async throws -> StoredTreeHead? {
        try await read { c in
            try await c.query(
                "SELECT size, timestamp, root_hash, signature FROM tree_head ORDER BY size DESC LIMIT 1",
                logger: self.logger
            ).first(Self.head(from:))
        }
    }

    static func head(from row: PostgresRow) throws -> StoredTreeHead {
        let (size, timestamp, root, signature) = try row.decode((Int64, Int64, String, String).self)
        return StoredTreeHead(size: Int(size), timestamp: timestamp, rootHash: root, signature: signature)
    }

    // MARK: Statistics and the privacy budget

    /// Spends ε and stores the release in one transaction, holding a lock on the space's day so
    /// two nodes releasing at once cannot both fit under the cap.
    public func storeRelease(
        space: String, hourStart: Int64, day: String, epsilon: Double, dailyCap: Double, json: String
    ) async throws {
        let budgetKey = "budget:\(space):\(day)"
        try await write { c in
            try await c.query("SELECT pg_advisory_xact_lock(hashtextextended(\(budgetKey), 0))", logger: self.logger)
            let spent = try await c.query(
                "SELECT COALESCE(SUM(epsilon), 0)::float8 FROM privacy_budget WHERE space = \(space) AND day = \(day)",
                logger: self.logger
            ).single().decode(Double.self)
            guard spent + epsilon <= dailyCap + 1e-9 else {
                throw StoreError(.limit, "the privacy budget of \(space) for \(day) is spent (\(spent) of \(dailyCap))")
            }
            let released = try await c.query(
                "SELECT 1 FROM stats_release WHERE space = \(space) AND hour_start = \(hourStart)", logger: self.logger
            ).first { _ in true }
            if released == true { throw StoreError(.conflict, "this hour of \(space) is already released") }
            try await c.changing(
                """
                INSERT INTO privacy_budget (space, day, hour_start, epsilon)
                VALUES (\(space), \(day), \(hourStart), \(epsilon))
                """, logger: self.logger)
            try await c.changing(
                "INSERT INTO stats_release (space, hour_start, release) VALUES (\(space), \(hourStart), \(json))",
                logger: self.logger)
        }
    }

    public func releases(space: String, from: Int64, to: Int64) async throws -> [(hourStart: Int64, json: String)] {
        try await read { c in
            try await c.query(
                """
                SELECT hour_start, release FROM stats_release
                WHERE space = \(space) AND hour_start >= \(from) AND hour_start < \(to) ORDER BY hour_start
                """, logger: self.logger
            ).all {
                let (hour, release) = try $0.decode((Int64, String).self)
                return (hourStart: hour, json: release)
            }
        }
    }

    public func budgetSpent(space: String, day: String) async throws -> Double {
        try await read { c in
            try await c.query(
                "SELECT COALESCE(SUM(epsilon), 0)::float8 FROM privacy_budget WHERE space = \(space) AND day = \(day)",
                logger: self.logger
            ).single().decode(Double.self)
        }
    }

    // MARK: Retention

    public func sweep(retention: Retention, now: Date) async throws -> RetentionSweep {
        let t = now.timeIntervalSince1970
        let notices = t - retention.noticesS
        let actions = t - retention.actionsS
        let reports = t - retention.closedReportsS
        return try await write { c in
            var done = RetentionSweep()
            done.notices = try await c.changing("DELETE FROM notice WHERE created_at < \(notices)", logger: self.logger)
            // A ban without an end stays: deleting it would lift it.
            done.actions = try await c.changing(
                """
                DELETE FROM moderation_action
                WHERE NOT (kind = 'ban' AND until IS NULL) AND COALESCE(until, created_at) < \(actions)
                """, logger: self.logger)
            done.reports = try await c.changing(
                """
                DELETE FROM report WHERE status <> 'open' AND resolved_at IS NOT NULL AND resolved_at < \(reports)
                """, logger: self.logger)
            return done
        }
    }
}
