import Foundation
import Storage
import Testing
import WorldModel

/// Mission stamps and saved missions, on every backend: a stamp is stored once, the day only when
/// given, it goes with its persona (and its account), and saving a mission tells new from replaced.
@Suite struct MissionStoreTests {
    @Test(arguments: Backend.available) func stampsAreKeptOnceAndGoWithThePersona(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let account = try await store.createAccount(username: "walker", passwordHash: "h", now: Date())
        let persona = try await store.createPersona(
            accountId: account.id, name: "걷는이", appearance: .standard, maxPerAccount: 3, now: Date())
        let other = try await store.createPersona(
            accountId: account.id, name: "둘째", appearance: .standard, maxPerAccount: 3, now: Date())
        #expect(try await store.earnStamp(persona: persona.id, EarnedStamp(mission: "tour", checkpoint: "acc")))
        #expect(
            !(try await store.earnStamp(persona: persona.id, EarnedStamp(mission: "tour", checkpoint: "acc"))),
            "earned once")
        #expect(
            try await store.earnStamp(
                persona: persona.id, EarnedStamp(mission: "tour", checkpoint: "gmap", day: "2026-10-10")))
        #expect(
            try await store.stamps(persona: persona.id) == [
                EarnedStamp(mission: "tour", checkpoint: "acc"),
                EarnedStamp(mission: "tour", checkpoint: "gmap", day: "2026-10-10"),
            ])
        #expect(try await store.stamps(persona: other.id).isEmpty, "stamps are the persona's, not the account's")
        await #expect(throws: StoreError.self, "no such persona") {
            _ = try await store.earnStamp(persona: 999_999, EarnedStamp(mission: "tour", checkpoint: "acc"))
        }
        try await store.deletePersona(accountId: account.id, personaId: persona.id)
        #expect(try await store.stamps(persona: persona.id).isEmpty, "deleting the persona deletes its stamps")
        _ = try await store.earnStamp(persona: other.id, EarnedStamp(mission: "tour", checkpoint: "acc"))
        _ = try await store.eraseAccount(id: account.id, tombstone: "(erased)")
        #expect(try await store.stamps(persona: other.id).isEmpty, "erasing the account deletes them too")
        await db.close(store)
    }

    @Test(arguments: Backend.available) func savedMissionsAreReplacedByID(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        #expect(try await store.saveMission(id: "tour", json: "{\"v\":1}", now: Date()))
        #expect(!(try await store.saveMission(id: "tour", json: "{\"v\":2}", now: Date())))
        #expect(try await store.saveMission(id: "another", json: "{}", now: Date()))
        let saved = try await store.missions()
        #expect(saved.map(\.id) == ["another", "tour"] && saved.last?.json == "{\"v\":2}")
        await db.close(store)
    }
}
