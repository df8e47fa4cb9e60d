import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    public func missions() async throws -> [(id: String, json: String)] {
        try await read { c in
            try await c.query("SELECT id, body FROM mission ORDER BY id COLLATE \"C\"", logger: self.logger).all {
                let (id, body) = try $0.decode((String, String).self)
                return (id: id, json: body)
            }
        }
    }

    @discardableResult
    public func saveMission(id: String, json: String, now: Date) async throws -> Bool {
        let t = now.timeIntervalSince1970
        return try await write { c in
            // xmax = 0 only on a row this statement inserted (not one it updated).
            let rows = try await c.query(
                """
                INSERT INTO mission (id, body, updated_at) VALUES (\(id), \(json), \(t))
                ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                RETURNING (xmax = 0)
                """, logger: self.logger
            ).all { try $0.decode(Bool.self) }
            return rows.first ?? false
        }
    }

    @discardableResult
    public func earnStamp(persona: Int64, _ stamp: EarnedStamp) async throws -> Bool {
        do {
            return try await write { c in
                try await c.changing(
                    """
                    INSERT INTO stamp (persona_id, mission, checkpoint, day)
                    VALUES (\(persona), \(stamp.mission), \(stamp.checkpoint), \(stamp.day))
                    ON CONFLICT DO NOTHING
                    """, logger: self.logger) == 1
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            throw StoreError(.notFound, "no such persona")
        }
    }

    public func stamps(persona: Int64) async throws -> [EarnedStamp] {
        try await read { c in
            try await c.query(
                """
                SELECT mission, checkpoint, day FROM stamp WHERE persona_id = \(persona)
                ORDER BY mission COLLATE "C", checkpoint COLLATE "C"
                """, logger: self.logger
            ).all {
                let (mission, checkpoint, day) = try $0.decode((String, String, String?).self)
                return EarnedStamp(mission: mission, checkpoint: checkpoint, day: day)
            }
        }
    }
}
