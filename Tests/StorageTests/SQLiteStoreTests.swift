import Foundation
import Storage
import StorageSQLite
import Testing
import WorldModel

/// The SQLite store: uniqueness, limits, ownership, expiry and durability.
@Suite struct SQLiteStoreTests {
    func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
    }

    @Test func accountsAreUniqueIgnoringCase() async throws {
        let store = try SQLiteStore(path: path())
        let account = try await store.createAccount(username: "minji", passwordHash: "h", now: Date())
        await #expect(throws: StoreError.self) {
            _ = try await store.createAccount(username: "MINJI", passwordHash: "h", now: Date())
        }
        #expect(try await store.account(username: "Minji")?.account.id == account.id)
        #expect(try await store.account(username: "nobody") == nil)
    }

    @Test func personasHaveALimitUniqueNamesAndAnOwner() async throws {
        let store = try SQLiteStore(path: path())
        let a = try await store.createAccount(username: "a", passwordHash: "h", now: Date())
        let b = try await store.createAccount(username: "b", passwordHash: "h", now: Date())
        var ids: [Int64] = []
        for i in 0..<3 {
            ids.append(
                try await store.createPersona(
                    accountId: a.id, name: "P\(i)", appearance: .standard, maxPerAccount: 3, now: Date()
                ).id)
        }
        await #expect(throws: StoreError.self, "over the limit") {
            _ = try await store.createPersona(
                accountId: a.id, name: "P9", appearance: .standard, maxPerAccount: 3, now: Date())
        }
        await #expect(throws: StoreError.self, "the name is taken, even by another account") {
            _ = try await store.createPersona(
                accountId: b.id, name: "p0", appearance: .standard, maxPerAccount: 3, now: Date())
        }
        await #expect(throws: StoreError.self, "not the owner") {
            try await store.deletePersona(accountId: b.id, personaId: ids[0])
        }
        let dressed = Appearance(bodyShape: .broad, primaryColor: 0x123456, accessory: .scarf)
        let updated = try await store.updatePersona(
            accountId: a.id, personaId: ids[1], name: "Renamed", appearance: dressed)
        #expect(try await store.persona(id: ids[1])?.persona == updated)
        try await store.deletePersona(accountId: a.id, personaId: ids[2])
        #expect(try await store.personas(accountId: a.id).map(\.name) == ["P0", "Renamed"])
    }

    @Test func sessionsExpireAndSurviveReopening() async throws {
        let file = path()
        do {
            let store = try SQLiteStore(path: file)
            let a = try await store.createAccount(username: "s", passwordHash: "h", now: Date())
            try await store.createSession(
                SessionRecord(tokenHash: [1, 2, 3], accountId: a.id, expiresAt: Date().addingTimeInterval(60)))
            try await store.createSession(
                SessionRecord(tokenHash: [4, 5, 6], accountId: a.id, expiresAt: Date().addingTimeInterval(-60)))
            #expect(try await store.deleteExpiredSessions(now: Date()) == 1)
        }
        let reopened = try SQLiteStore(path: file)
        #expect(try await reopened.session(tokenHash: [1, 2, 3])?.accountId != nil)
        #expect(try await reopened.session(tokenHash: [4, 5, 6]) == nil)
        try await reopened.deleteSession(tokenHash: [1, 2, 3])
        #expect(try await reopened.session(tokenHash: [1, 2, 3]) == nil)
    }
}
