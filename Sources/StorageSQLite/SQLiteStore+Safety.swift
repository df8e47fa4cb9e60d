import Foundation
import GRDB
import Storage

extension SQLiteStore {
    static func registerSafetyMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v2-safety") { db in
            try db.execute(
                sql: """
                    CREATE TABLE relation (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        owner_account INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        target_account INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        target_name TEXT NOT NULL,
                        created_at DOUBLE NOT NULL,
                        UNIQUE (kind, owner_account, target_account)
                    );
                    CREATE INDEX relation_target ON relation(target_account);
                    CREATE TABLE friendship (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        from_account INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        to_account INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        from_name TEXT NOT NULL,
                        to_name TEXT NOT NULL,
                        accepted INTEGER NOT NULL DEFAULT 0,
                        created_at DOUBLE NOT NULL,
                        UNIQUE (from_account, to_account)
                    );
                    CREATE INDEX friendship_to ON friendship(to_account);
                    CREATE TABLE report (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        reporter_account INTEGER REFERENCES account(id) ON DELETE SET NULL,
                        reported_account INTEGER REFERENCES account(id) ON DELETE SET NULL,
                        reported_name TEXT NOT NULL,
                        space TEXT NOT NULL,
                        category TEXT NOT NULL,
                        note TEXT NOT NULL,
                        created_at DOUBLE NOT NULL,
                        status TEXT NOT NULL DEFAULT 'open',
                        outcome TEXT,
                        resolved_at DOUBLE
                    );
                    CREATE INDEX report_space_status ON report(space, status);
                    CREATE INDEX report_reporter ON report(reporter_account, created_at);
                    CREATE TABLE space_role (
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        space TEXT NOT NULL,
                        role TEXT NOT NULL,
                        PRIMARY KEY (account_id, space)
                    );
                    CREATE TABLE moderation_action (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        moderator_account INTEGER NOT NULL REFERENCES account(id),
                        target_account INTEGER REFERENCES account(id) ON DELETE CASCADE,
                        target_name TEXT NOT NULL,
                        space TEXT NOT NULL,
                        report_id INTEGER REFERENCES report(id) ON DELETE SET NULL,
                        reason TEXT NOT NULL,
                        created_at DOUBLE NOT NULL,
                        until DOUBLE
                    );
                    CREATE INDEX moderation_target ON moderation_action(target_account, created_at);
                    CREATE TABLE notice (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        text TEXT NOT NULL,
                        created_at DOUBLE NOT NULL
                    );
                    CREATE INDEX notice_account ON notice(account_id, created_at);
                    """)
        }
    }

    // MARK: Blocks and mutes

    public func addRelation(
        kind: Relation.Kind, owner: Int64, target: Int64, targetName: String, now: Date
    ) async throws -> Relation {
        do {
            return try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO relation (kind, owner_account, target_account, target_name, created_at)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [kind.rawValue, owner, target, targetName, now.timeIntervalSince1970])
                return Relation(
                    id: db.lastInsertedRowID, kind: kind, ownerAccount: owner, targetAccount: target,
                    targetName: targetName, createdAt: now)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError(.conflict, "you already \(kind == .block ? "blocked" : "muted") this person")
        }
    }

    public func removeRelation(owner: Int64, id: Int64) async throws -> Relation {
        try await pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM relation WHERE id = ? AND owner_account = ?", arguments: [id, owner])
            else { throw StoreError(.notFound, "no block or mute \(id) of yours") }
            try db.execute(sql: "DELETE FROM relation WHERE id = ?", arguments: [id])
            return try Self.relation(from: row)
        }
    }

    public func relations(owner: Int64) async throws -> [Relation] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM relation WHERE owner_account = ? ORDER BY id", arguments: [owner])
                .map { try Self.relation(from: $0) }
        }
    }

    public func blockedEitherWay(account: Int64) async throws -> Set<Int64> {
        try await pool.read { db in
            let rows = try Int64.fetchAll(
                db,
                sql: """
                    SELECT target_account FROM relation WHERE kind = 'block' AND owner_account = ?
                    UNION SELECT owner_account FROM relation WHERE kind = 'block' AND target_account = ?
                    """,
                arguments: [account, account])
            return Set(rows)
        }
    }

    static func relation(from row: Row) throws -> Relation {
        Relation(
            id: row["id"], kind: try row.decoded(Relation.Kind.self, "kind", table: "relation"),
            ownerAccount: row["owner_account"],
            targetAccount: row["target_account"], targetName: row["target_name"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    // MARK: Friends

    public func requestFriend(from: Int64, fromName: String, to: Int64, toName: String, now: Date) async throws
        -> Friendship
    {
        try await pool.write { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT * FROM friendship WHERE from_account = ? AND to_account = ?", arguments: [from, to])
            {
                let f = Self.friendship(from: row)
                throw StoreError(.conflict, f.accepted ? "you are already friends" : "your request is pending")
            }
            if let row = try Row.fetchOne(
                db, sql: "SELECT * FROM friendship WHERE from_account = ? AND to_account = ?", arguments: [to, from])
            {
                var f = Self.friendship(from: row)
                if f.accepted { throw StoreError(.conflict, "you are already friends") }
                try db.execute(sql: "UPDATE friendship SET accepted = 1 WHERE id = ?", arguments: [f.id])
                f.accepted = true
                return f
            }
            try db.execute(
                sql: """
                    INSERT INTO friendship (from_account, to_account, from_name, to_name, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [from, to, fromName, toName, now.timeIntervalSince1970])
            return Friendship(
                id: db.lastInsertedRowID, fromAccount: from, toAccount: to, fromName: fromName, toName: toName,
                accepted: false, createdAt: now)
        }
    }

    public func friendships(account: Int64) async throws -> [Friendship] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM friendship WHERE from_account = ? OR to_account = ? ORDER BY id",
                arguments: [account, account]
            ).map(Self.friendship(from:))
        }
    }

    public func removeFriendship(account: Int64, id: Int64) async throws -> Friendship {
        try await pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM friendship WHERE id = ? AND (from_account = ? OR to_account = ?)",
                    arguments: [id, account, account])
            else { throw StoreError(.notFound, "no friendship or request \(id) of yours") }
            try db.execute(sql: "DELETE FROM friendship WHERE id = ?", arguments: [id])
            return Self.friendship(from: row)
        }
    }

    static func friendship(from row: Row) -> Friendship {
        Friendship(
            id: row["id"], fromAccount: row["from_account"], toAccount: row["to_account"],
            fromName: row["from_name"], toName: row["to_name"], accepted: (row["accepted"] as Int) != 0,
            createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    // MARK: Reports

    public func fileReport(_ report: Report) async throws -> Report {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO report (reporter_account, reported_account, reported_name, space, category, note,
                                        created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'open')
                    """,
                arguments: [
                    report.reporterAccount, report.reportedAccount, report.reportedName, report.space,
                    report.category.rawValue, report.note, report.createdAt.timeIntervalSince1970,
                ])
            var filed = report
            filed.id = db.lastInsertedRowID
            filed.status = .open
            return filed
        }
    }

    public func report(id: Int64) async throws -> Report? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM report WHERE id = ?", arguments: [id]).map {
                try Self.report(from: $0)
            }
        }
    }

    public func reports(spaces: Set<String>, status: Report.Status?, limit: Int) async throws -> [Report] {
        try await pool.read { db in
            var sql = "SELECT * FROM report WHERE 1"
            var arguments: StatementArguments = []
            if !spaces.contains("*") {
                if spaces.isEmpty { return [] }
                sql += " AND space IN (\(Array(repeating: "?", count: spaces.count).joined(separator: ",")))"
                for s in spaces.sorted() { _ = arguments.append(contentsOf: [s]) }
            }
            if let status {
                sql += " AND status = ?"
                _ = arguments.append(contentsOf: [status.rawValue])
            }
            sql += " ORDER BY id DESC LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.report(from: $0) }
        }
    }

    public func reportsFiled(by account: Int64, limit: Int) async throws -> [Report] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM report WHERE reporter_account = ? ORDER BY id DESC LIMIT ?",
                arguments: [account, limit]
            ).map { try Self.report(from: $0) }
        }
    }

    public func reportCount(by account: Int64, since: Date) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM report WHERE reporter_account = ? AND created_at >= ?",
                arguments: [account, since.timeIntervalSince1970]) ?? 0
        }
    }

    public func closeReport(id: Int64, status: Report.Status, outcome: String, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE report SET status = ?, outcome = ?, resolved_at = ? WHERE id = ?",
                arguments: [status.rawValue, outcome, now.timeIntervalSince1970, id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no report \(id)") }
        }
    }

    static func report(from row: Row) throws -> Report {
        Report(
            id: row["id"], reporterAccount: row["reporter_account"], reportedAccount: row["reported_account"],
            reportedName: row["reported_name"], space: row["space"],
            category: try row.decoded(ReportCategory.self, "category", table: "report"), note: row["note"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            status: try row.decoded(Report.Status.self, "status", table: "report"), outcome: row["outcome"],
            resolvedAt: (row["resolved_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    // MARK: Roles, moderation and notices

    public func setRole(account: Int64, space: String, role: SpaceRole) async throws {
        try await pool.write { db in
            if role == .visitor {
                try db.execute(
                    sql: "DELETE FROM space_role WHERE account_id = ? AND space = ?", arguments: [account, space])
            } else {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO space_role (account_id, space, role) VALUES (?, ?, ?)",
                    arguments: [account, space, role.rawValue])
            }
        }
    }

    public func roles(account: Int64) async throws -> [String: SpaceRole] {
        try await pool.read { db in
            var roles: [String: SpaceRole] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT space, role FROM space_role WHERE account_id = ?", arguments: [account])
            {
                roles[row["space"]] = try row.decoded(SpaceRole.self, "role", table: "space_role")
            }
            return roles
        }
    }

    public func recordAction(_ action: ModerationAction) async throws -> ModerationAction {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO moderation_action (kind, moderator_account, target_account, target_name, space,
                                                   report_id, reason, created_at, until)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    action.kind.rawValue, action.moderatorAccount, action.targetAccount, action.targetName,
                    action.space, action.reportId, action.reason, action.createdAt.timeIntervalSince1970,
                    action.until?.timeIntervalSince1970,
                ])
            var stored = action
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func actions(concerning account: Int64, limit: Int) async throws -> [ModerationAction] {
        try await fetchActions(where: "target_account = ?", account, limit)
    }

    public func actions(by moderator: Int64, limit: Int) async throws -> [ModerationAction] {
        try await fetchActions(where: "moderator_account = ?", moderator, limit)
    }

    private func fetchActions(where clause: String, _ account: Int64, _ limit: Int) async throws
        -> [ModerationAction]
    {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM moderation_action WHERE \(clause) ORDER BY id DESC LIMIT ?",
                arguments: [account, limit]
            ).map { row in
                ModerationAction(
                    id: row["id"],
                    kind: try row.decoded(ModerationAction.Kind.self, "kind", table: "moderation_action"),
                    moderatorAccount: (row["moderator_account"] as Int64?) ?? 0, targetAccount: row["target_account"],
                    targetName: row["target_name"], space: row["space"], reportId: row["report_id"],
                    reason: row["reason"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    until: (row["until"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func addNotice(account: Int64, text: String, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO notice (account_id, text, created_at) VALUES (?, ?, ?)",
                arguments: [account, text, now.timeIntervalSince1970])
        }
    }

    public func notices(account: Int64, limit: Int) async throws -> [Notice] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM notice WHERE account_id = ? ORDER BY id DESC LIMIT ?",
                arguments: [account, limit]
            ).map {
                Notice(
                    id: $0["id"], accountId: $0["account_id"], text: $0["text"],
                    createdAt: Date(timeIntervalSince1970: $0["created_at"]))
            }
        }
    }
}
