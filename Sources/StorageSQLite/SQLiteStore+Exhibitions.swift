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
                    CREATE TABLE narration (
                        artwork_id TEXT PRIMARY KEY,
                        ko TEXT,
                        en TEXT,
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

    public func narrations() async throws -> [(artwork: String, ko: String?, en: String?)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT artwork_id, ko, en FROM narration ORDER BY artwork_id").map {
                ($0["artwork_id"], $0["ko"], $0["en"])
            }
        }
    }

    public func saveNarration(artwork: String, ko: String?, en: String?, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO narration (artwork_id, ko, en, updated_at) VALUES (?, ?, ?, ?)",
                arguments: [artwork, ko, en, now.timeIntervalSince1970])
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
