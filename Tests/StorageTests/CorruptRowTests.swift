import Foundation
import Storage
import Testing
import WorldModel

/// A row holding what Bitgoeul never writes is an error when read, not a silent default.
@Suite struct CorruptRowTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: Backend.available) func anUnknownRelationKindIsNotTakenForAMute(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let a = try await store.createAccount(username: "mina", passwordHash: "h", now: now)
        let b = try await store.createAccount(username: "jun", passwordHash: "h", now: now)
        _ = try await store.addRelation(kind: .block, owner: a.id, target: b.id, targetName: "J", now: now)
        try await db.execute("UPDATE relation SET kind = 'hug'")
        await #expect(throws: CorruptRecord(table: "relation", column: "kind", value: "hug")) {
            _ = try await store.relations(owner: a.id)
        }
        await db.close(store)
    }

    @Test(arguments: Backend.available) func anUnknownReportStatusOrRoleIsAnError(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let a = try await store.createAccount(username: "mina", passwordHash: "h", now: now)
        let filed = try await store.fileReport(
            Report(
                reporterAccount: a.id, reportedAccount: nil, reportedName: "x", space: "s", category: .spam, note: "",
                createdAt: now))
        try await db.execute("UPDATE report SET status = 'lost'")
        await #expect(throws: CorruptRecord(table: "report", column: "status", value: "lost")) {
            _ = try await store.report(id: filed.id)
        }
        try await store.setRole(account: a.id, space: "s", role: .moderator)
        try await db.execute("UPDATE space_role SET role = 'king'")
        await #expect(throws: CorruptRecord(table: "space_role", column: "role", value: "king")) {
            _ = try await store.roles(account: a.id)
        }
        await db.close(store)
    }

    @Test(arguments: Backend.available) func anOutOfRangeAppearanceIsAnErrorNotACrash(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let a = try await store.createAccount(username: "mina", passwordHash: "h", now: now)
        let persona = try await store.createPersona(
            accountId: a.id, name: "나비", appearance: .standard, maxPerAccount: 5, now: now)
        try await db.execute("UPDATE persona SET body_shape = 1000")
        await #expect(throws: CorruptRecord(table: "persona", column: "body_shape", value: "1000")) {
            _ = try await store.persona(id: persona.id)
        }
        await db.close(store)
    }
}
