import Foundation
import Storage
import Testing
import WorldModel

/// Accounts, sessions and personas, on every backend: uniqueness, limits, ownership, expiry and durability.
@Suite struct StoreTests {
    @Test(arguments: Backend.available) func accountsAreUniqueIgnoringCase(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let account = try await store.createAccount(username: "minji", passwordHash: "h", now: Date())
        await #expect(throws: StoreError.self) {
            _ = try await store.createAccount(username: "MINJI", passwordHash: "h", now: Date())
        }
        #expect(try await store.account(username: "Minji")?.account.id == account.id)
        #expect(try await store.account(username: "Minji")?.passwordHash == "h")
        #expect(try await store.account(username: "nobody") == nil)
        #expect(try await store.account(id: account.id)?.username == "minji")
        await db.close(store)
    }

    @Test(arguments: Backend.available) func personasHaveALimitUniqueNamesAndAnOwner(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let a = try await store.createAccount(username: "a", passwordHash: "h", now: Date())
        let b = try await store.createAccount(username: "b", passwordHash: "h", now: Date())
        var ids: [Int64] = []
        for i in 0..<3 {
            ids.append(
                try await store.createPersona(
                    accountId: a.id, name: "P\(i)", appearance: .standard, maxPerAccount: 3, now: Date()
                ).id)
        }
        await #expect(throws: StoreError(.limit, "an account has at most 3 personas")) {
            _ = try await store.createPersona(
                accountId: a.id, name: "P9", appearance: .standard, maxPerAccount: 3, now: Date())
        }
        await #expect(throws: StoreError(.conflict, "the persona name is taken"), "taken, even by another account") {
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
        #expect(try await store.persona(id: ids[1])?.accountId == a.id)
        try await store.deletePersona(accountId: a.id, personaId: ids[2])
        #expect(try await store.personas(accountId: a.id).map(\.name) == ["P0", "Renamed"])
        #expect(try await store.personaNames(everHeldBy: a.id) == ["P0", "P1", "P2", "Renamed"], "former names too")
        #expect(try await store.accountId(personaName: "renamed") == a.id)
        await db.close(store)
    }

    @Test(arguments: Backend.available) func personasOfTwoNodesAtOnceKeepTheLimit(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let (one, two) = (try await db.open(), try await db.open())
        let a = try await one.createAccount(username: "racer", passwordHash: "h", now: Date())
        let made = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<10 {
                group.addTask {
                    let store = i.isMultiple(of: 2) ? one : two
                    let persona = try? await store.createPersona(
                        accountId: a.id, name: "Racer\(i)", appearance: .standard, maxPerAccount: 3, now: Date())
                    return persona != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(made == 3, "exactly the limit, however the writes interleave")
        #expect(try await one.personas(accountId: a.id).count == 3)
        await db.close(one)
        await db.close(two)
    }

    @Test(arguments: Backend.available) func sessionsExpireAndSurviveReopening(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        do {
            let store = try await db.open()
            let a = try await store.createAccount(username: "s", passwordHash: "h", now: Date())
            try await store.createSession(
                SessionRecord(tokenHash: [1, 2, 3], accountId: a.id, expiresAt: Date().addingTimeInterval(60)))
            try await store.createSession(
                SessionRecord(tokenHash: [4, 5, 6], accountId: a.id, expiresAt: Date().addingTimeInterval(-60)))
            #expect(try await store.deleteExpiredSessions(now: Date()) == 1)
            await db.close(store)
        }
        let reopened = try await db.open()
        #expect(try await reopened.session(tokenHash: [1, 2, 3])?.accountId != nil)
        #expect(try await reopened.session(tokenHash: [4, 5, 6]) == nil)
        try await reopened.deleteSession(tokenHash: [1, 2, 3])
        #expect(try await reopened.session(tokenHash: [1, 2, 3]) == nil)
        await db.close(reopened)
    }
}
