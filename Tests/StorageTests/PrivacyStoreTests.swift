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

/// The hourly retention sweep: old notices, long-closed reports and long-ended actions go; open
/// reports and standing bans stay.
@Suite struct RetentionTests {
    @Test func theSweepDeletesWhatOutlivedItsRetentionAndKeepsStandingSanctions() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "retention-\(UUID().uuidString).sqlite")
        let store = try SQLiteStore(path: path.path)
        let now = Date()
        let old = now - 3 * 365 * 86_400
        let a = try await store.createAccount(username: "mira", passwordHash: "h", now: old).id
        let m = try await store.createAccount(username: "mod", passwordHash: "h", now: old).id
        try await store.addNotice(account: a, text: "old", now: old)
        try await store.addNotice(account: a, text: "new", now: now)
        let closed = try await store.fileReport(
            Report(
                reporterAccount: m, reportedAccount: a, reportedName: "Mira", space: "s", category: .spam, note: "",
                createdAt: old))
        try await store.closeReport(id: closed.id, status: .resolved, outcome: "warn", now: old)
        _ = try await store.fileReport(
            Report(
                reporterAccount: m, reportedAccount: a, reportedName: "Mira", space: "s", category: .spam, note: "",
                createdAt: old))
        for (kind, until) in [(ModerationAction.Kind.warn, nil), (.ban, nil), (.kick, old + 3600)]
            as [(ModerationAction.Kind, Date?)]
        {
            _ = try await store.recordAction(
                ModerationAction(
                    kind: kind, moderatorAccount: m, targetAccount: a, targetName: "Mira", space: "s", reportId: nil,
                    reason: "r", createdAt: old, until: until))
        }
        let swept = try await store.sweep(retention: Retention(), now: now)
        #expect(swept.notices == 1 && swept.reports == 1 && swept.actions == 2)
        #expect(try await store.notices(account: a, limit: 10).map(\.text) == ["new"])
        #expect(try await store.reports(spaces: ["*"], status: .open, limit: 10).count == 1, "open reports stay")
        #expect(try await store.actions(concerning: a, limit: 10).map(\.kind) == [.ban], "a standing ban stays")
        #expect(try await store.sweep(retention: Retention(), now: now).total == 0)
    }
}
