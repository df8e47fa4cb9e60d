import Foundation
import GRDB
import Storage
import StorageSQLite
import Testing
import WorldModel

/// A row holding what Bitgoeul never writes is an error when read, not a silent default.
@Suite struct CorruptRowTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func store() throws -> (SQLiteStore, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(UUID().uuidString).sqlite")
            .path
        return (try SQLiteStore(path: path), path)
    }

    /// Writes behind the store's back, past any CHECK constraint, as a damaged file would hold.
    func tamper(_ path: String, _ sql: String) throws {
        let db = try DatabaseQueue(path: path)
        try db.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: sql)
        }
    }

    @Test func anUnknownRelationKindIsNotTakenForAMute() async throws {
        let (store, path) = try store()
        let a = try await store.createAccount(username: "mina", passwordHash: "h", now: now)
        let b = try await store.createAccount(username: "jun", passwordHash: "h", now: now)
        _ = try await store.addRelation(kind: .block, owner: a.id, target: b.id, targetName: "J", now: now)
        try tamper(path, "UPDATE relation SET kind = 'hug'")
        await #expect(throws: CorruptRecord(table: "relation", column: "kind", value: "hug")) {
            _ = try await store.relations(owner: a.id)
        }
    }

    @Test func anUnknownReportStatusOrRoleIsAnError() async throws {
        let (store, path) = try store()
        let a = try await store.createAccount(username: "mina", passwordHash: "h", now: now)
        let filed = try await store.fileReport(
            Report(
                reporterAccount: a.id, reportedAccount: nil, reportedName: "x", space: "s", category: .spam, note: "",
                createdAt: now))
        try tamper(path, "UPDATE report SET status = 'lost'")
        await #expect(throws: CorruptRecord.self) { _ = try await store.report(id: filed.id) }
        try await store.setRole(account: a.id, space: "s", role: .moderator)
        try tamper(path, "UPDATE space_role SET role = 'king'")
        await #expect(throws: CorruptRecord.self) { _ = try await store.roles(account: a.id) }
    }

    @Test func anOutOfRangeAppearanceIsAnErrorNotACrash() async throws {
        let (store, path) = try store()
        let a = try await store.createAccount(username: "mina", passwordHash: "h", now: now)
        let persona = try await store.createPersona(
            accountId: a.id, name: "나비", appearance: .standard, maxPerAccount: 5, now: now)
        try tamper(path, "UPDATE persona SET body_shape = 1000")
        await #expect(throws: CorruptRecord(table: "persona", column: "body_shape", value: "1000")) {
            _ = try await store.persona(id: persona.id)
        }
    }
}
