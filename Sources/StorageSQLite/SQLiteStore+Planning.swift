import Foundation
import GRDB
import Storage

extension SQLiteStore {
    static func registerPlanningMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v7-planning") { db in
            // The ballot has no account or persona column: a voter is an HMAC under the proposal's key,
            // and the key row is deleted when the period closes (docs/planning.md).
            try db.execute(
                sql: """
                    CREATE TABLE proposal (
                        id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        space TEXT NOT NULL,
                        body TEXT NOT NULL,
                        saved_at DOUBLE NOT NULL,
                        PRIMARY KEY (id, version)
                    ) WITHOUT ROWID;
                    CREATE TABLE ballot_key (
                        proposal TEXT PRIMARY KEY,
                        key BLOB,
                        destroyed INTEGER NOT NULL DEFAULT 0
                    ) WITHOUT ROWID;
                    CREATE TABLE ballot (
                        proposal TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        voter BLOB NOT NULL,
                        stance TEXT NOT NULL CHECK (stance IN ('support', 'oppose')),
                        PRIMARY KEY (proposal, version, voter)
                    ) WITHOUT ROWID;
                    CREATE TABLE proposal_comment (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        proposal TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        parent INTEGER REFERENCES proposal_comment(id) ON DELETE CASCADE,
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        persona_id INTEGER NOT NULL REFERENCES persona(id) ON DELETE CASCADE,
                        author TEXT NOT NULL,
                        planner INTEGER NOT NULL,
                        text TEXT NOT NULL,
                        created_at DOUBLE NOT NULL,
                        edited_at DOUBLE
                    );
                    CREATE INDEX proposal_comment_by_proposal ON proposal_comment (proposal, id);
                    CREATE TABLE proposal_report (
                        proposal TEXT PRIMARY KEY,
                        body TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
    }

    public func proposalVersions() async throws -> [StoredProposal] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, version, space, body, saved_at FROM proposal ORDER BY id, version")
                .map {
                    StoredProposal(
                        id: $0["id"], space: $0["space"], version: $0["version"], json: $0["body"],
                        savedAt: Date(timeIntervalSince1970: $0["saved_at"]))
                }
        }
    }

    public func saveProposal(_ p: StoredProposal, replacing: Bool) async throws {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "INSERT \(replacing ? "OR REPLACE " : "")INTO proposal (id, version, space, body, saved_at) "
                        + "VALUES (?, ?, ?, ?, ?)",
                    arguments: [p.id, p.version, p.space, p.json, p.savedAt.timeIntervalSince1970])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw StoreError(.conflict, "version \(p.version) of '\(p.id)' exists")
        }
    }

    public func ballotKey(proposal: String, fresh: Data) async throws -> Data? {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO ballot_key (proposal, key) VALUES (?, ?)", arguments: [proposal, fresh])
            return try Data.fetchOne(db, sql: "SELECT key FROM ballot_key WHERE proposal = ?", arguments: [proposal])
        }
    }

    public func destroyBallotKey(proposal: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO ballot_key (proposal, key, destroyed) VALUES (?, NULL, 1)
                    ON CONFLICT (proposal) DO UPDATE SET key = NULL, destroyed = 1
                    """, arguments: [proposal])
        }
        // The key's bytes may linger in free pages and the WAL: overwrite them.
        try await pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    @discardableResult
    public func vote(proposal: String, version: Int, voter: Data, stance: String?) async throws -> Bool {
        try await pool.write { db in
            // In the same transaction as the write: no vote lands once the key is destroyed.
            let open =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM ballot_key WHERE proposal = ? AND key IS NOT NULL", arguments: [proposal])
                ?? false
            guard open else { return false }
            if let stance {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO ballot (proposal, version, voter, stance) VALUES (?, ?, ?, ?)",
                    arguments: [proposal, version, voter, stance])
            } else {
                try db.execute(
                    sql: "DELETE FROM ballot WHERE proposal = ? AND version = ? AND voter = ?",
                    arguments: [proposal, version, voter])
            }
            return true
        }
    }

    public func stance(proposal: String, version: Int, voter: Data) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT stance FROM ballot WHERE proposal = ? AND version = ? AND voter = ?",
                arguments: [proposal, version, voter])
        }
    }

    public func tally(proposal: String, version: Int) async throws -> [String: Int] {
        try await pool.read { db in
            var out: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT stance, count(*) AS n FROM ballot WHERE proposal = ? AND version = ? GROUP BY stance",
                arguments: [proposal, version])
            {
                out[row["stance"]] = row["n"]
            }
            return out
        }
    }

    public func addComment(_ c: ProposalComment, commentsMax: Int) async throws -> ProposalComment {
        do {
            return try await pool.write { db in
                let count =
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM proposal_comment WHERE proposal = ?", arguments: [c.proposal])
                    ?? 0
                guard count < commentsMax else {
                    throw StoreError(.limit, "a proposal keeps at most \(commentsMax) comments")
                }
                try db.execute(
                    sql: """
                        INSERT INTO proposal_comment (proposal, version, parent, account_id, persona_id, author, planner,
                                                      text, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        c.proposal, c.version, c.parent, c.account, c.persona, c.author, c.planner, c.text,
                        c.createdAt.timeIntervalSince1970,
                    ])
                var saved = c
                saved.id = db.lastInsertedRowID
                return saved
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StoreError(.notFound, "no such persona or parent comment")
        }
    }

    static let commentColumns =
        "id, proposal, version, parent, account_id, persona_id, author, planner, text, created_at, edited_at"

    static func comment(_ row: Row) -> ProposalComment {
        ProposalComment(
            id: row["id"], proposal: row["proposal"], version: row["version"], parent: row["parent"],
            account: row["account_id"], persona: row["persona_id"], author: row["author"], planner: row["planner"],
            text: row["text"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            editedAt: (row["edited_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
    }

    public func comment(id: Int64) async throws -> ProposalComment? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.commentColumns) FROM proposal_comment WHERE id = ?", arguments: [id]
            ).map(Self.comment)
        }
    }

    public func editComment(id: Int64, account: Int64, text: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE proposal_comment SET text = ?, edited_at = ? WHERE id = ? AND account_id = ?",
                arguments: [text, now.timeIntervalSince1970, id, account])
            return db.changesCount == 1
        }
    }

    public func removeComment(id: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM proposal_comment WHERE id = ?", arguments: [id])
        }
    }

    public func comments(proposal: String) async throws -> [ProposalComment] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.commentColumns) FROM proposal_comment WHERE proposal = ? ORDER BY id",
                arguments: [proposal]
            ).map(Self.comment)
        }
    }

    public func comments(account: Int64) async throws -> [ProposalComment] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.commentColumns) FROM proposal_comment WHERE account_id = ? ORDER BY id",
                arguments: [account]
            ).map(Self.comment)
        }
    }

    public func saveProposalReport(proposal: String, json: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO proposal_report (proposal, body) VALUES (?, ?)",
                arguments: [proposal, json])
        }
    }

    public func proposalReport(proposal: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM proposal_report WHERE proposal = ?", arguments: [proposal])
        }
    }
}
