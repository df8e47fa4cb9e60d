import Foundation
import GRDB
import Storage

extension SQLiteStore {
    static func registerExhibitionMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3-exhibitions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE exhibition (
                        id TEXT PRIMARY KEY,
                        space TEXT NOT NULL,
                        body TEXT NOT NULL,
                        updated_at DOUBLE NOT NULL
                    );
                    """)
        }
    }

    public func exhibitions() async throws -> [(id: String, json: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body FROM exhibition ORDER BY id").map { ($0["id"], $0["body"]) }
        }
    }

    public func saveExhibition(id: String, space: String, json: String, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO exhibition (id, space, body, updated_at) VALUES (?, ?, ?, ?)",
                arguments: [id, space, json, now.timeIntervalSince1970])
        }
    }
}
