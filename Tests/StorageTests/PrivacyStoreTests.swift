import Foundation
import GRDB
import Storage
import StorageSQLite
import Testing

/// The privacy tables: the ε ledger, the append-only access log, and vault revisions.
@Suite struct PrivacyStoreTests {
    func store() throws -> (SQLiteStore, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("privacy-\(UUID().uuidString).sqlite")
            .path
        return (try SQLiteStore(path: path), path)
    }

    @Test func theBudgetRefusesTheReleaseThatWouldPassTheCap() async throws {
        let (store, _) = try store()
        let hour: Int64 = 1_800_000_000 / 3600 * 3600
        for h in 0..<4 {
            try await store.storeRelease(
                space: "g/acc", hourStart: hour + Int64(h) * 3600, day: "2027-01-15", epsilon: 0.5, dailyCap: 2,
                json: "{}")
        }
        #expect(try await store.budgetSpent(space: "g/acc", day: "2027-01-15") == 2)
        await #expect(throws: StoreError.self, "the fifth 0.5 would make 2.5 > 2") {
            try await store.storeRelease(
                space: "g/acc", hourStart: hour + 4 * 3600, day: "2027-01-15", epsilon: 0.5, dailyCap: 2, json: "{}")
        }
        #expect(try await store.releases(space: "g/acc", from: 0, to: .max).count == 4, "the refused one is not kept")
        // Another space, or the next day, has its own budget; an hour is released once.
        try await store.storeRelease(
            space: "g/gmap", hourStart: hour, day: "2027-01-15", epsilon: 0.5, dailyCap: 2, json: "{}")
        try await store.storeRelease(
            space: "g/acc", hourStart: hour + 24 * 3600, day: "2027-01-16", epsilon: 0.5, dailyCap: 2, json: "{}")
        await #expect(throws: StoreError.self) {
            try await store.storeRelease(
                space: "g/gmap", hourStart: hour, day: "2027-01-15", epsilon: 0.5, dailyCap: 2, json: "{}")
        }
    }

    @Test func theAccessLogIsAppendOnly() async throws {
        let (store, path) = try store()
        let head = StoredTreeHead(size: 1, timestamp: 1, rootHash: "00", signature: "s")
        try await store.appendAccess(index: 0, subject: "t", json: "{}", leafHash: [1], head: head)
        await #expect(throws: StoreError.self, "index 0 is taken") {
            try await store.appendAccess(index: 0, subject: "t", json: "{}", leafHash: [2], head: head)
        }
        // Even with SQL access, rows cannot be changed or removed through SQLite.
        let db = try DatabaseQueue(path: path)
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "UPDATE access_log SET entry = 'x'") } }
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "DELETE FROM access_log") } }
        #expect(try await store.accessEntries().map(\.json) == ["{}"])
    }

    @Test func vaultRevisionsGuardAgainstLostUpdates() async throws {
        let (store, _) = try store()
        let account = try await store.createAccount(username: "sora", passwordHash: "h", now: Date())
        #expect(
            try await store.putVault(account: account.id, blob: "a", expectedRevision: 0, now: Date()).revision == 1)
        await #expect(throws: StoreError.self) {
            _ = try await store.putVault(account: account.id, blob: "b", expectedRevision: 0, now: Date())
        }
        #expect(
            try await store.putVault(account: account.id, blob: "c", expectedRevision: nil, now: Date()).revision == 2)
        #expect(try await store.vault(account: account.id)?.blob == "c")
        let secret = try await store.accountSecret(account: account.id)
        #expect(secret.count == 16)
        #expect(try await store.accountSecret(account: account.id) == secret)
    }
}
