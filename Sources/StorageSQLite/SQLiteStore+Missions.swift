import Foundation
import GRDB
import Storage

extension SQLiteStore {
    static func registerMissionMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v6-missions") { db in
            // A stamp row is all that playing leaves: no position, no time of day, the day only on request.
            try db.execute(
                sql: """
                    CREATE TABLE mission (
                        id TEXT PRIMARY KEY,
                        body TEXT NOT NULL,
                        updated_at DOUBLE NOT NULL
                    );
                    CREATE TABLE stamp (
                        persona_id INTEGER NOT NULL REFERENCES persona(id) ON DELETE CASCADE,
                        mission TEXT NOT NULL,
                        checkpoint TEXT NOT NULL,
                        day TEXT,
                        PRIMARY KEY (persona_id, mission, checkpoint)
                    ) WITHOUT ROWID;
                    """)
        }
    }

    public func missions() async throws -> [(id: String, json: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body FROM mission ORDER BY id").map { ($0["id"], $0["body"]) }
        }
    }

    @discardableResult
    public func saveMission(id: String, json: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM mission WHERE id = ?", arguments: [id]) ?? false
            try db.execute(
                sql: "INSERT OR REPLACE INTO mission (id, body, updated_at) VALUES (?, ?, ?)",
                arguments: [id, json, now.timeIntervalSince1970])
            return !existed
        }
    }

    @discardableResult
    public func earnStamp(persona: Int64, _ stamp: EarnedStamp) async throws -> Bool {
        do {
            return try await pool.write { db in
                try db.execute(
                    sql: "INSERT OR IGNORE INTO stamp (persona_id, mission, checkpoint, day) VALUES (?, ?, ?, ?)",
                    arguments: [persona, stamp.mission, stamp.checkpoint, stamp.day])
                return db.changesCount == 1
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            throw StoreError(.notFound, "no such persona")
        }
    }

    public func stamps(persona: Int64) async throws -> [EarnedStamp] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT mission, checkpoint, day FROM stamp WHERE persona_id = ? ORDER BY mission, checkpoint",
                arguments: [persona]
            ).map { EarnedStamp(mission: $0["mission"], checkpoint: $0["checkpoint"], day: $0["day"]) }
        }
    }
}
