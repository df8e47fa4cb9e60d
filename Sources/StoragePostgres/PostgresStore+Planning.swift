import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    public func proposalVersions() async throws -> [StoredProposal] {
        try await read { c in
            try await c.query(
                "SELECT id, version, space, body, saved_at FROM proposal ORDER BY id COLLATE \"C\", version",
                logger: self.logger
            ).all {
                let (id, version, space, body, savedAt) = try $0.decode((String, Int32, String, String, Double).self)
                return StoredProposal(
                    id: id, space: space, version: Int(version), json: body,
                    savedAt: Date(timeIntervalSince1970: savedAt))
            }
        }
    }

    public func saveProposal(_ p: StoredProposal, replacing: Bool) async throws {
        let version = Int32(p.version)
        let t = p.savedAt.timeIntervalSince1970
        let written = try await write { c in
            if replacing {
                return try await c.changing(
                    """
                    INSERT INTO proposal (id, version, space, body, saved_at) VALUES (\(p.id), \(version), \(p.space),
                        \(p.json), \(t))
                    ON CONFLICT (id, version) DO UPDATE SET space = excluded.space, body = excluded.body,
                        saved_at = excluded.saved_at
                    """, logger: self.logger)
            }
            return try await c.changing(
                """
                INSERT INTO proposal (id, version, space, body, saved_at) VALUES (\(p.id), \(version), \(p.space),
                    \(p.json), \(t))
                ON CONFLICT (id, version) DO NOTHING
                """, logger: self.logger)
        }
        guard written == 1 else { throw StoreError(.conflict, "version \(p.version) of '\(p.id)' exists") }
    }

    public func ballotKey(proposal: String, fresh: Data) async throws -> Data? {
        try await write { c in
            try await c.changing(
                "INSERT INTO ballot_key (proposal, key) VALUES (\(proposal), \(fresh)) ON CONFLICT DO NOTHING",
                logger: self.logger)
            return try await c.query("SELECT key FROM ballot_key WHERE proposal = \(proposal)", logger: self.logger)
                .first { try $0.decode(Data?.self) } ?? nil
        }
    }

    public func destroyBallotKey(proposal: String) async throws {
        try await write { c in
            try await c.changing(
                """
                INSERT INTO ballot_key (proposal, key, destroyed) VALUES (\(proposal), NULL, true)
                ON CONFLICT (proposal) DO UPDATE SET key = NULL, destroyed = true
                """, logger: self.logger)
        }
    }

    @discardableResult
    public func vote(proposal: String, version: Int, voter: Data, stance: String?) async throws -> Bool {
        let v = Int32(version)
        return try await write { c in
            // The key's row is locked for the write: a close that destroys it waits, or went first.
            let open =
                try await c.query(
                    "SELECT 1 FROM ballot_key WHERE proposal = \(proposal) AND key IS NOT NULL FOR SHARE",
                    logger: self.logger
                ).first { _ in true } ?? false
            guard open else { return false }
            if let stance {
                try await c.changing(
                    """
                    INSERT INTO ballot (proposal, version, voter, stance) VALUES (\(proposal), \(v), \(voter), \(stance))
                    ON CONFLICT (proposal, version, voter) DO UPDATE SET stance = excluded.stance
                    """, logger: self.logger)
            } else {
                try await c.changing(
                    "DELETE FROM ballot WHERE proposal = \(proposal) AND version = \(v) AND voter = \(voter)",
                    logger: self.logger)
            }
            return true
        }
    }

    public func stance(proposal: String, version: Int, voter: Data) async throws -> String? {
        let v = Int32(version)
        return try await read { c in
            try await c.query(
                "SELECT stance FROM ballot WHERE proposal = \(proposal) AND version = \(v) AND voter = \(voter)",
                logger: self.logger
            ).first { try $0.decode(String.self) }
        }
    }

    public func tally(proposal: String, version: Int) async throws -> [String: Int] {
        let v = Int32(version)
        return try await read { c in
            let rows = try await c.query(
                """
                SELECT stance, count(*) FROM ballot WHERE proposal = \(proposal) AND version = \(v) GROUP BY stance
                """, logger: self.logger
            ).all { try $0.decode((String, Int64).self) }
            return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, Int($0.1)) })
        }
    }

    public func addComment(_ comment: ProposalComment, commentsMax: Int) async throws -> ProposalComment {
        let c0 = comment
        let version = Int32(c0.version)
        let created = c0.createdAt.timeIntervalSince1970
        do {
            return try await write { c in
                // One writer at a time per proposal, so the count and the insert agree.
                try await c.query(
                    "SELECT pg_advisory_xact_lock(hashtext(\("comments:" + c0.proposal)))", logger: self.logger)
                let count =
                    try await c.query(
                        "SELECT count(*) FROM proposal_comment WHERE proposal = \(c0.proposal)", logger: self.logger
                    ).first { try $0.decode(Int64.self) } ?? 0
                guard count < commentsMax else {
                    throw StoreError(.limit, "a proposal keeps at most \(commentsMax) comments")
                }
                let id = try await c.query(
                    """
                    INSERT INTO proposal_comment (proposal, version, parent, account_id, persona_id, author, planner,
                                                  text, created_at)
                    VALUES (\(c0.proposal), \(version), \(c0.parent), \(c0.account), \(c0.persona), \(c0.author),
                            \(c0.planner), \(c0.text), \(created))
                    RETURNING id
                    """, logger: self.logger
                ).first { try $0.decode(Int64.self) }
                var saved = c0
                saved.id = id ?? 0
                return saved
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            throw StoreError(.notFound, "no such persona or parent comment")
        }
    }

    static func comment(_ row: PostgresRow) throws -> ProposalComment {
        let (id, proposal, version, parent, account, persona, author, planner, text, created, edited) =
            try row.decode((Int64, String, Int32, Int64?, Int64, Int64, String, Bool, String, Double, Double?).self)
        return ProposalComment(
            id: id, proposal: proposal, version: Int(version), parent: parent, account: account, persona: persona,
            author: author, planner: planner, text: text, createdAt: Date(timeIntervalSince1970: created),
            editedAt: edited.map { Date(timeIntervalSince1970: $0) })
    }

    public func comment(id: Int64) async throws -> ProposalComment? {
        try await read { c in
            try await c.query(
                """
                SELECT id, proposal, version, parent, account_id, persona_id, author, planner, text, created_at, edited_at
                FROM proposal_comment WHERE id = \(id)
                """, logger: self.logger
            ).first(Self.comment)
        }
    }

    public func editComment(id: Int64, account: Int64, text: String, now: Date) async throws -> Bool {
        let t = now.timeIntervalSince1970
        return try await write { c in
            try await c.changing(
                """
                UPDATE proposal_comment SET text = \(text), edited_at = \(t) WHERE id = \(id) AND account_id = \(account)
                """, logger: self.logger) == 1
        }
    }

    public func removeComment(id: Int64) async throws {
        try await write { c in
            try await c.changing("DELETE FROM proposal_comment WHERE id = \(id)", logger: self.logger)
        }
    }

    public func comments(proposal: String) async throws -> [ProposalComment] {
        try await read { c in
            try await c.query(
                """
                SELECT id, proposal, version, parent, account_id, persona_id, author, planner, text, created_at, edited_at
                FROM proposal_comment WHERE proposal = \(proposal) ORDER BY id
                """, logger: self.logger
            ).all(Self.comment)
        }
    }

    public func comments(account: Int64) async throws -> [ProposalComment] {
        try await read { c in
            try await c.query(
                """
                SELECT id, proposal, version, parent, account_id, persona_id, author, planner, text, created_at, edited_at
                FROM proposal_comment WHERE account_id = \(account) ORDER BY id
                """, logger: self.logger
            ).all(Self.comment)
        }
    }

    public func saveProposalReport(proposal: String, json: String) async throws {
        try await write { c in
            try await c.changing(
                "INSERT INTO proposal_report (proposal, body) VALUES (\(proposal), \(json)) ON CONFLICT DO NOTHING",
                logger: self.logger)
        }
    }

    public func proposalReport(proposal: String) async throws -> String? {
        try await read { c in
            try await c.query("SELECT body FROM proposal_report WHERE proposal = \(proposal)", logger: self.logger)
                .first { try $0.decode(String.self) }
        }
    }
}
