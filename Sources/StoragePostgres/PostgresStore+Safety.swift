import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    // MARK: Blocks and mutes

    public func addRelation(
        kind: Relation.Kind, owner: Int64, target: Int64, targetName: String, now: Date
    ) async throws -> Relation {
        let created = now.timeIntervalSince1970
        return try await uniqueOr("you already \(kind == .block ? "blocked" : "muted") this person") {
            try await self.write { c in
                let id = try await c.query(
                    """
                    INSERT INTO relation (kind, owner_account, target_account, target_name, created_at)
                    VALUES (\(kind.rawValue), \(owner), \(target), \(targetName), \(created)) RETURNING id
                    """, logger: self.logger
                ).single().decode(Int64.self)
                return Relation(
                    id: id, kind: kind, ownerAccount: owner, targetAccount: target, targetName: targetName,
                    createdAt: now)
            }
        }
    }

    static let relationColumns = "id, kind, owner_account, target_account, target_name, created_at"

    public func removeRelation(owner: Int64, id: Int64) async throws -> Relation {
        try await write { c in
            guard
                let removed = try await c.query(
                    """
                    DELETE FROM relation WHERE id = \(id) AND owner_account = \(owner)
                    RETURNING \(unescaped: Self.relationColumns)
                    """, logger: self.logger
                ).first(Self.relation(from:))
            else { throw StoreError(.notFound, "no block or mute \(id) of yours") }
            return removed
        }
    }

    public func relations(owner: Int64) async throws -> [Relation] {
        try await read { c in
            try await c.query(
                "SELECT \(unescaped: Self.relationColumns) FROM relation WHERE owner_account = \(owner) ORDER BY id",
                logger: self.logger
            ).all(Self.relation(from:))
        }
    }

    public func blockedEitherWay(account: Int64) async throws -> Set<Int64> {
        try await read { c in
            Set(
                try await c.query(
                    """
                    SELECT target_account FROM relation WHERE kind = 'block' AND owner_account = \(account)
                    UNION SELECT owner_account FROM relation WHERE kind = 'block' AND target_account = \(account)
                    """, logger: self.logger
                ).all { try $0.decode(Int64.self) })
        }
    }

    static func relation(from row: PostgresRow) throws -> Relation {
        let (id, kind, owner, target, name, created) = try row.decode(
            (Int64, String, Int64, Int64, String, Double).self)
        return Relation(
            id: id, kind: try decodedCase(Relation.Kind.self, kind, table: "relation", column: "kind"),
            ownerAccount: owner, targetAccount: target, targetName: name,
            createdAt: Date(timeIntervalSince1970: created))
    }

    // MARK: Friends

    static let friendshipColumns = "id, from_account, to_account, from_name, to_name, accepted, created_at"

    public func requestFriend(from: Int64, fromName: String, to: Int64, toName: String, now: Date) async throws
        -> Friendship
    {
        let created = now.timeIntervalSince1970
        let pair = "friend:\(min(from, to)):\(max(from, to))"
        return try await write { c in
            // Both sides asking at once on two nodes would otherwise make two pending requests.
            try await c.query("SELECT pg_advisory_xact_lock(hashtextextended(\(pair), 0))", logger: self.logger)
            if let mine = try await c.query(
                """
                SELECT \(unescaped: Self.friendshipColumns) FROM friendship
                WHERE from_account = \(from) AND to_account = \(to)
                """, logger: self.logger
            ).first(Self.friendship(from:)) {
                throw StoreError(.conflict, mine.accepted ? "you are already friends" : "your request is pending")
            }
            if var theirs = try await c.query(
                """
                SELECT \(unescaped: Self.friendshipColumns) FROM friendship
                WHERE from_account = \(to) AND to_account = \(from)
                """, logger: self.logger
            ).first(Self.friendship(from:)) {
                if theirs.accepted { throw StoreError(.conflict, "you are already friends") }
                try await c.changing(
                    "UPDATE friendship SET accepted = true WHERE id = \(theirs.id)", logger: self.logger)
                theirs.accepted = true
                return theirs
            }
            let id = try await c.query(
                """
                INSERT INTO friendship (from_account, to_account, from_name, to_name, created_at)
                VALUES (\(from), \(to), \(fromName), \(toName), \(created)) RETURNING id
                """, logger: self.logger
            ).single().decode(Int64.self)
            return Friendship(
                id: id, fromAccount: from, toAccount: to, fromName: fromName, toName: toName, accepted: false,
                createdAt: now)
        }
    }

    public func friendships(account: Int64) async throws -> [Friendship] {
        try await read { c in
            try await c.query(
                """
                SELECT \(unescaped: Self.friendshipColumns) FROM friendship
                WHERE from_account = \(account) OR to_account = \(account) ORDER BY id
                """, logger: self.logger
            ).all(Self.friendship(from:))
        }
    }

    public func removeFriendship(account: Int64, id: Int64) async throws -> Friendship {
        try await write { c in
            guard
                let removed = try await c.query(
                    """
                    DELETE FROM friendship WHERE id = \(id) AND (from_account = \(account) OR to_account = \(account))
                    RETURNING \(unescaped: Self.friendshipColumns)
                    """, logger: self.logger
                ).first(Self.friendship(from:))
            else { throw StoreError(.notFound, "no friendship or request \(id) of yours") }
            return removed
        }
    }

    static func friendship(from row: PostgresRow) throws -> Friendship {
        let (id, from, to, fromName, toName, accepted, created) = try row.decode(
            (Int64, Int64, Int64, String, String, Bool, Double).self)
        return Friendship(
            id: id, fromAccount: from, toAccount: to, fromName: fromName, toName: toName, accepted: accepted,
            createdAt: Date(timeIntervalSince1970: created))
    }

    // MARK: Reports

    static let reportColumns =
        "id, reporter_account, reported_account, reported_name, space, category, note, created_at, status, outcome, resolved_at"

    public func fileReport(_ report: Report) async throws -> Report {
        let created = report.createdAt.timeIntervalSince1970
        return try await write { c in
            let id = try await c.query(
                """
                INSERT INTO report (reporter_account, reported_account, reported_name, space, category, note,
                                    created_at, status)
                VALUES (\(report.reporterAccount), \(report.reportedAccount), \(report.reportedName), \(report.space),
                        \(report.category.rawValue), \(report.note), \(created), 'open')
                RETURNING id
                """, logger: self.logger
            ).single().decode(Int64.self)
            var filed = report
            filed.id = id
            filed.status = .open
            return filed
        }
    }

    public func report(id: Int64) async throws -> Report? {
        try await read { c in
            try await c.query(
                "SELECT \(unescaped: Self.reportColumns) FROM report WHERE id = \(id)", logger: self.logger
            ).first(Self.report(from:))
        }
    }

    public func reports(spaces: Set<String>, status: Report.Status?, limit: Int) async throws -> [Report] {
        let all = spaces.contains("*")
        if !all && spaces.isEmpty { return [] }
        let names = spaces.sorted()
        let statusName = status?.rawValue
        return try await read { c in
            try await c.query(
                """
                SELECT \(unescaped: Self.reportColumns) FROM report
                WHERE (\(all) OR space = ANY(\(names))) AND (\(statusName)::text IS NULL OR status = \(statusName))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger
            ).all(Self.report(from:))
        }
    }

    public func reportsFiled(by account: Int64, limit: Int) async throws -> [Report] {
        try await read { c in
            try await c.query(
                """
                SELECT \(unescaped: Self.reportColumns) FROM report WHERE reporter_account = \(account)
                ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger
            ).all(Self.report(from:))
        }
    }

    public func reportCount(by account: Int64, since: Date) async throws -> Int {
        let t = since.timeIntervalSince1970
        return try await read { c in
            Int(
                try await c.query(
                    "SELECT COUNT(*) FROM report WHERE reporter_account = \(account) AND created_at >= \(t)",
                    logger: self.logger
                ).single().decode(Int64.self))
        }
    }

    public func closeReport(id: Int64, status: Report.Status, outcome: String, now: Date) async throws {
        let t = now.timeIntervalSince1970
        try await write { c in
            let changed = try await c.changing(
                """
                UPDATE report SET status = \(status.rawValue), outcome = \(outcome), resolved_at = \(t)
                WHERE id = \(id)
                """, logger: self.logger)
            guard changed == 1 else { throw StoreError(.notFound, "no report \(id)") }
        }
    }

    static func report(from row: PostgresRow) throws -> Report {
        let (id, reporter, reported, name, space, category, note, created, status, outcome, resolved) =
            try row.decode(
                (Int64, Int64?, Int64?, String, String, String, String, Double, String, String?, Double?).self)
        return Report(
            id: id, reporterAccount: reporter, reportedAccount: reported, reportedName: name, space: space,
            category: try decodedCase(ReportCategory.self, category, table: "report", column: "category"), note: note,
            createdAt: Date(timeIntervalSince1970: created),
            status: try decodedCase(Report.Status.self, status, table: "report", column: "status"), outcome: outcome,
            resolvedAt: resolved.map(Date.init(timeIntervalSince1970:)))
    }

    // MARK: Roles, moderation and notices

    public func setRole(account: Int64, space: String, role: SpaceRole) async throws {
        try await write { c in
            if role == .visitor {
                try await c.changing(
                    "DELETE FROM space_role WHERE account_id = \(account) AND space = \(space)", logger: self.logger)
            } else {
                try await c.changing(
                    """
                    INSERT INTO space_role (account_id, space, role) VALUES (\(account), \(space), \(role.rawValue))
                    ON CONFLICT (account_id, space) DO UPDATE SET role = excluded.role
                    """, logger: self.logger)
            }
        }
    }

    public func roles(account: Int64) async throws -> [String: SpaceRole] {
        try await read { c in
            var roles: [String: SpaceRole] = [:]
            for (space, role) in try await c.query(
                "SELECT space, role FROM space_role WHERE account_id = \(account)", logger: self.logger
            ).all({ try $0.decode((String, String).self) }) {
                roles[space] = try decodedCase(SpaceRole.self, role, table: "space_role", column: "role")
            }
            return roles
        }
    }

    public func recordAction(_ action: ModerationAction) async throws -> ModerationAction {
        let created = action.createdAt.timeIntervalSince1970
        let until = action.until?.timeIntervalSince1970
        return try await write { c in
            let id = try await c.query(
                """
                INSERT INTO moderation_action (kind, moderator_account, target_account, target_name, space,
                                               report_id, reason, created_at, until)
                VALUES (\(action.kind.rawValue), \(action.moderatorAccount), \(action.targetAccount),
                        \(action.targetName), \(action.space), \(action.reportId), \(action.reason), \(created), \(until))
                RETURNING id
                """, logger: self.logger
            ).single().decode(Int64.self)
            var stored = action
            stored.id = id
            return stored
        }
    }

    public func actions(concerning account: Int64, limit: Int) async throws -> [ModerationAction] {
        try await read { c in
            try await c.query(
                """
                SELECT \(unescaped: Self.actionColumns) FROM moderation_action WHERE target_account = \(account)
                ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger
            ).all(Self.action(from:))
        }
    }

    public func actions(by moderator: Int64, limit: Int) async throws -> [ModerationAction] {
        try await read { c in
            try await c.query(
                """
                SELECT \(unescaped: Self.actionColumns) FROM moderation_action WHERE moderator_account = \(moderator)
                ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger
            ).all(Self.action(from:))
        }
    }

    static let actionColumns =
        "id, kind, moderator_account, target_account, target_name, space, report_id, reason, created_at, until"

    static func action(from row: PostgresRow) throws -> ModerationAction {
        let (id, kind, moderator, target, name, space, report, reason, created, until) = try row.decode(
            (Int64, String, Int64?, Int64?, String, String, Int64?, String, Double, Double?).self)
        return ModerationAction(
            id: id, kind: try decodedCase(ModerationAction.Kind.self, kind, table: "moderation_action", column: "kind"),
            moderatorAccount: moderator ?? 0, targetAccount: target, targetName: name, space: space, reportId: report,
            reason: reason, createdAt: Date(timeIntervalSince1970: created),
            until: until.map(Date.init(timeIntervalSince1970:)))
    }

    public func addNotice(account: Int64, text: String, now: Date) async throws {
        let created = now.timeIntervalSince1970
        try await write { c in
            try await c.changing(
                "INSERT INTO notice (account_id, text, created_at) VALUES (\(account), \(text), \(created))",
                logger: self.logger)
        }
    }

    public func notices(account: Int64, limit: Int) async throws -> [Notice] {
        try await read { c in
            try await c.query(
                """
                SELECT id, account_id, text, created_at FROM notice WHERE account_id = \(account)
                ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger
            ).all { row in
                let (id, account, text, created) = try row.decode((Int64, Int64, String, Double).self)
                return Notice(id: id, accountId: account, text: text, createdAt: Date(timeIntervalSince1970: created))
            }
        }
    }

    // MARK: Exhibitions and narration

    public func exhibitions() async throws -> [(id: String, json: String)] {
        try await read { c in
            try await c.query("SELECT id, body FROM exhibition ORDER BY id COLLATE \"C\"", logger: self.logger).all {
                let (id, body) = try $0.decode((String, String).self)
                return (id: id, json: body)
            }
        }
    }

    public func saveExhibition(id: String, space: String, json: String, now: Date) async throws {
        let t = now.timeIntervalSince1970
        try await write { c in
            try await c.changing(
                """
                INSERT INTO exhibition (id, space, body, updated_at) VALUES (\(id), \(space), \(json), \(t))
                ON CONFLICT (id) DO UPDATE SET space = excluded.space, body = excluded.body,
                    updated_at = excluded.updated_at
                """, logger: self.logger)
        }
    }

    public func narrations() async throws -> [(artwork: String, ko: String?, en: String?)] {
        try await read { c in
            try await c.query(
                "SELECT artwork_id, ko, en FROM narration ORDER BY artwork_id COLLATE \"C\"", logger: self.logger
            ).all {
                let (artwork, ko, en) = try $0.decode((String, String?, String?).self)
                return (artwork: artwork, ko: ko, en: en)
            }
        }
    }

    public func saveNarration(artwork: String, ko: String?, en: String?, now: Date) async throws {
        let t = now.timeIntervalSince1970
        try await write { c in
            try await c.changing(
                """
                INSERT INTO narration (artwork_id, ko, en, updated_at) VALUES (\(artwork), \(ko), \(en), \(t))
                ON CONFLICT (artwork_id) DO UPDATE SET ko = excluded.ko, en = excluded.en,
                    updated_at = excluded.updated_at
                """, logger: self.logger)
        }
    }
}
