import Foundation
import Storage
import Testing

/// The privacy tables on every backend: the ε ledger, the append-only access log, and vault revisions.
@Suite struct PrivacyStoreTests {
    static let hour: Int64 = 1_800_000_000 / 3600 * 3600

    @Test(arguments: Backend.available) func theBudgetRefusesTheReleaseThatWouldPassTheCap(_ backend: Backend)
        async throws
    {
        let db = try await backend.fresh()
        let store = try await db.open()
        let hour = Self.hour
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
        #expect(
            try await store.releases(space: "g/acc", from: hour + 3600, to: hour + 3 * 3600).map(\.hourStart) == [
                hour + 3600, hour + 2 * 3600,
            ])
        // Another space, or the next day, has its own budget; an hour is released once.
        try await store.storeRelease(
            space: "g/gmap", hourStart: hour, day: "2027-01-15", epsilon: 0.5, dailyCap: 2, json: "{}")
        try await store.storeRelease(
            space: "g/acc", hourStart: hour + 24 * 3600, day: "2027-01-16", epsilon: 0.5, dailyCap: 2, json: "{}")
        await #expect(throws: StoreError.self) {
            try await store.storeRelease(
                space: "g/gmap", hourStart: hour, day: "2027-01-15", epsilon: 0.5, dailyCap: 2, json: "{}")
        }
        #expect(try await store.budgetSpent(space: "g/gmap", day: "2027-01-15") == 0.5, "a refused hour spends nothing")
        await db.close(store)
    }

    /// Two nodes releasing hours of one space at once: the cap holds however they interleave.
    @Test(arguments: Backend.available) func twoNodesReleasingAtOnceStayUnderTheCap(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let (one, two) = (try await db.open(), try await db.open())
        let hour = Self.hour
        let stored = await withTaskGroup(of: Bool.self) { group in
            for h in 0..<12 {
                group.addTask {
                    let store = h.isMultiple(of: 2) ? one : two
                    do {
                        try await store.storeRelease(
                            space: "g/acc", hourStart: hour + Int64(h) * 3600, day: "2027-01-15", epsilon: 0.5,
                            dailyCap: 2, json: "{\"h\":\(h)}")
                        return true
                    } catch { return false }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(stored == 4)
        #expect(try await one.budgetSpent(space: "g/acc", day: "2027-01-15") == 2)
        #expect(try await two.releases(space: "g/acc", from: 0, to: .max).count == 4)
        await db.close(one)
        await db.close(two)
    }

    @Test(arguments: Backend.available) func theAccessLogIsAppendOnly(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let head = StoredTreeHead(size: 1, timestamp: 1, rootHash: "00", signature: "s")
        try await store.appendAccess(index: 0, subject: "t", json: "{}", leafHash: [1], head: head)
        await #expect(throws: StoreError.self, "index 0 is taken") {
            try await store.appendAccess(index: 0, subject: "t", json: "{}", leafHash: [2], head: head)
        }
        await #expect(throws: StoreError.self, "index 2 skips 1") {
            try await store.appendAccess(
                index: 2, subject: "t", json: "{}", leafHash: [3],
                head: StoredTreeHead(size: 3, timestamp: 1, rootHash: "00", signature: "s"))
        }
        // Even with SQL access to the database, rows cannot be changed or removed.
        await #expect(throws: (any Error).self) { try await db.execute("UPDATE access_log SET entry = 'x'") }
        await #expect(throws: (any Error).self) { try await db.execute("DELETE FROM access_log") }
        if backend == .postgres {
            await #expect(throws: (any Error).self) { try await db.execute("TRUNCATE access_log") }
            await #expect(throws: (any Error).self) { try await db.execute("UPDATE tree_head SET root_hash = 'ff'") }
        }
        #expect(try await store.accessEntries().map(\.json) == ["{}"])
        #expect(try await store.accessEntries(subject: "t", limit: 5).map(\.leafHash) == [[1]])
        #expect(try await store.accessLeaves() == [[1]])
        #expect(try await store.accessLogSize() == 1)
        #expect(try await store.treeHead(size: 1) == head)
        #expect(try await store.latestTreeHead() == head)
        #expect(try await store.treeHeads() == [head])
        await db.close(store)
    }

    @Test(arguments: Backend.available) func vaultRevisionsGuardAgainstLostUpdates(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let account = try await store.createAccount(username: "sora", passwordHash: "h", now: Date())
        #expect(
            try await store.putVault(account: account.id, blob: "a", expectedRevision: 0, now: Date()).revision == 1)
        await #expect(throws: StoreError(.conflict, "the vault is at revision 1, not 0")) {
            _ = try await store.putVault(account: account.id, blob: "b", expectedRevision: 0, now: Date())
        }
        #expect(
            try await store.putVault(account: account.id, blob: "c", expectedRevision: nil, now: Date()).revision == 2)
        #expect(try await store.vault(account: account.id)?.blob == "c")
        let secret = try await store.accountSecret(account: account.id)
        #expect(secret.count == 16)
        #expect(try await store.accountSecret(account: account.id) == secret)
        try await store.deleteVault(account: account.id)
        #expect(try await store.vault(account: account.id) == nil)
        await db.close(store)
    }
}
