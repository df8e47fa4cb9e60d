import Clocks
import Foundation
import Realtime
import Safety
import Storage
import StorageSQLite
import Testing

/// An account's live rules as loaded from the store: blocks either way, mutes, friends, sanctions.
@Suite struct SafetyRulesTests {
    let noon = Date(timeIntervalSince1970: 1_790_000_000)

    func store() throws -> SQLiteStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try SQLiteStore(path: dir.appendingPathComponent("s.sqlite").path)
    }

    @Test func rulesCarryBlocksMutesFriendsAndActiveSanctionsOnly() async throws {
        let store = try store()
        let clock = ManualClock(at: noon)
        var ids: [Int64] = []
        for name in ["mina", "jun", "sora", "mod"] {
            ids.append(try await store.createAccount(username: name, passwordHash: "h", now: noon).id)
        }
        let (mina, jun, sora, mod) = (ids[0], ids[1], ids[2], ids[3])
        _ = try await store.addRelation(kind: .block, owner: jun, target: mina, targetName: "M", now: noon)
        _ = try await store.addRelation(kind: .mute, owner: mina, target: sora, targetName: "S", now: noon)
        _ = try await store.requestFriend(from: mina, fromName: "M", to: mod, toName: "D", now: noon)
        _ = try await store.requestFriend(from: mod, fromName: "D", to: mina, toName: "M", now: noon)
        _ = try await store.recordAction(
            ModerationAction(
                kind: .mute, moderatorAccount: mod, targetAccount: mina, targetName: "M", space: "hall", reportId: nil,
                reason: "r",
                createdAt: noon, until: noon + 600))
        _ = try await store.recordAction(
            ModerationAction(
                kind: .kick, moderatorAccount: mod, targetAccount: mina, targetName: "M", space: "yard", reportId: nil,
                reason: "r",
                createdAt: noon - 7200, until: noon - 3600))

        let rules = SafetyRules(store: store, board: SafetyBoard(), clock: clock.clock)
        let loaded = try await rules.load(account: mina)
        #expect(loaded.hidden == [jun], "a block hides both ways")
        #expect(loaded.muted == [sora])
        #expect(loaded.friends == [mod])
        #expect(loaded.isMuted(in: "hall", now: noon + 60))
        #expect(loaded.barred(from: "yard", now: noon) == nil, "an expired kick is not loaded")
        clock.advance(by: 601)
        #expect(try await rules.load(account: mina).mutedIn.isEmpty, "past its end the mute is gone")
    }
}
