import Foundation
import Storage
import Testing

/// The hourly retention sweep: old notices, long-closed reports and long-ended actions go; open
/// reports and standing bans stay.
@Suite struct RetentionTests {
    @Test(arguments: Backend.available)
    func theSweepDeletesWhatOutlivedItsRetentionAndKeepsStandingSanctions(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
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
        await db.close(store)
    }
}
