import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    /// Tables whose rows erasure deletes or rewrites; vacuumed afterwards so the old row versions
    /// are pruned rather than left for the next autovacuum.
    static let erasedTables = [
        "account", "session", "persona", "persona_name_history", "relation", "friendship", "report", "space_role",
        "moderation_action", "notice", "account_secret", "vault",
    ]

    public func eraseAccount(id: Int64, tombstone: String) async throws -> AccountErasure {
        let erasure = try await write { c in
            // Locks the account against a persona made or renamed on another node meanwhile.
            guard
                try await c.query("SELECT 1 FROM account WHERE id = \(id) FOR UPDATE", logger: self.logger)
                    .first({ _ in true }) == true
            else { throw StoreError(.notFound, "no such account") }
            func count(_ query: PostgresQuery) async throws -> Int {
                Int(try await c.query(query, logger: self.logger).single().decode(Int64.self))
            }
            var e = AccountErasure()
            e.personas = try await count("SELECT COUNT(*) FROM persona WHERE account_id = \(id)")
            e.sessions = try await count("SELECT COUNT(*) FROM session WHERE account_id = \(id)")
            e.relations = try await count(
                "SELECT COUNT(*) FROM relation WHERE owner_account = \(id) OR target_account = \(id)")
            e.friendships = try await count(
                "SELECT COUNT(*) FROM friendship WHERE from_account = \(id) OR to_account = \(id)")
            e.vaultDeleted = try await count("SELECT COUNT(*) FROM vault WHERE account_id = \(id)") > 0
            // Current and former names, longest first (so "Kim" does not break "Kimchi" before it is replaced).
            let names = try await c.query(
                """
                SELECT name FROM persona WHERE account_id = \(id)
                UNION SELECT name FROM persona_name_history WHERE account_id = \(id)
                """, logger: self.logger
            ).all { try $0.decode(String.self) }.sorted { $0.count > $1.count }
            e.reportsTombstoned = try await c.changing(
                "UPDATE report SET reporter_erased = true WHERE reporter_account = \(id)", logger: self.logger)
            try await c.changing(
                "UPDATE report SET reported_name = \(tombstone) WHERE reported_account = \(id)", logger: self.logger)
            // Others' records that quote one of the persona names (notices, report notes, actions).
            for name in names {
                try await c.changing(
                    "UPDATE notice SET text = replace(text, \(name), \(tombstone)) WHERE strpos(text, \(name)) > 0",
                    logger: self.logger)
                try await c.changing(
                    """
                    UPDATE report SET note = replace(note, \(name), \(tombstone)),
                                      outcome = replace(outcome, \(name), \(tombstone))
                    WHERE strpos(note, \(name)) > 0 OR strpos(outcome, \(name)) > 0
                    """, logger: self.logger)
                try await c.changing(
                    """
                    UPDATE report SET reported_name = \(tombstone)
                    WHERE ascii_lower(reported_name) = ascii_lower(\(name))
                    """, logger: self.logger)
                try await c.changing(
                    """
                    UPDATE moderation_action SET reason = replace(reason, \(name), \(tombstone))
                    WHERE strpos(reason, \(name)) > 0
                    """, logger: self.logger)
                try await c.changing(
                    """
                    UPDATE moderation_action SET target_name = \(tombstone)
                    WHERE ascii_lower(target_name) = ascii_lower(\(name))
                    """, logger: self.logger)
                try await c.changing(
                    """
                    UPDATE relation SET target_name = \(tombstone) WHERE ascii_lower(target_name) = ascii_lower(\(name))
                    """, logger: self.logger)
            }
            // Cascades take personas, sessions, relations, friendships, roles, notices, the vault and
            // the secret (which unlinks the account's transparency-log tag for good).
            try await c.changing("DELETE FROM account WHERE id = \(id)", logger: self.logger)
            return e
        }
        // Prunes the dead row versions now. (What remains is WAL until its segments are recycled,
        // and base backups taken before: docs/cluster.md says how long they are kept.)
        do {
            try await read { c in
                try await c.query(
                    "VACUUM \(unescaped: Self.erasedTables.joined(separator: ", "))", logger: self.logger)
            }
        } catch {
            logger.warning(
                "vacuum after an erasure failed; autovacuum will prune later",
                metadata: [
                    "reason": "\(Self.reason(error))"
                ])
        }
        return erasure
    }
}
