import Foundation
import Storage
import Testing

/// Relations, friendships, reports, roles, moderation, notices and curated content, on every backend.
@Suite struct SafetyStoreTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: Backend.available) func blocksAreMutualAndMutesAreNot(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let a = try await store.createAccount(username: "a", passwordHash: "h", now: now).id
        let b = try await store.createAccount(username: "b", passwordHash: "h", now: now).id
        let c = try await store.createAccount(username: "c", passwordHash: "h", now: now).id
        let block = try await store.addRelation(kind: .block, owner: a, target: b, targetName: "Bee", now: now)
        _ = try await store.addRelation(kind: .mute, owner: a, target: c, targetName: "Cee", now: now)
        await #expect(throws: StoreError(.conflict, "you already blocked this person")) {
            _ = try await store.addRelation(kind: .block, owner: a, target: b, targetName: "Bee", now: now)
        }
        #expect(try await store.blockedEitherWay(account: a) == [b])
        #expect(try await store.blockedEitherWay(account: b) == [a], "the blocked side is hidden too")
        #expect(try await store.blockedEitherWay(account: c) == [], "a mute hides nobody")
        #expect(try await store.relations(owner: a).map(\.targetName) == ["Bee", "Cee"])
        #expect(try await store.relations(owner: a).first == block)
        await #expect(throws: StoreError.self, "only the owner removes it") {
            _ = try await store.removeRelation(owner: b, id: block.id)
        }
        #expect(try await store.removeRelation(owner: a, id: block.id) == block)
        #expect(try await store.blockedEitherWay(account: b) == [])
        await db.close(store)
    }

    @Test(arguments: Backend.available) func friendshipNeedsBothSides(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let a = try await store.createAccount(username: "a", passwordHash: "h", now: now).id
        let b = try await store.createAccount(username: "b", passwordHash: "h", now: now).id
        let asked = try await store.requestFriend(from: a, fromName: "Ay", to: b, toName: "Bee", now: now)
        #expect(!asked.accepted)
        await #expect(throws: StoreError(.conflict, "your request is pending")) {
            _ = try await store.requestFriend(from: a, fromName: "Ay", to: b, toName: "Bee", now: now)
        }
        let accepted = try await store.requestFriend(from: b, fromName: "Bee", to: a, toName: "Ay", now: now)
        #expect(accepted.accepted && accepted.id == asked.id, "asking back accepts")
        #expect(try await store.friendships(account: b).map(\.accepted) == [true])
        #expect(accepted.other(than: b) == (a, "Ay"))
        await #expect(throws: StoreError(.conflict, "you are already friends")) {
            _ = try await store.requestFriend(from: b, fromName: "Bee", to: a, toName: "Ay", now: now)
        }
        #expect(try await store.removeFriendship(account: b, id: asked.id).id == asked.id)
        #expect(try await store.friendships(account: a).isEmpty)
        await db.close(store)
    }

    @Test(arguments: Backend.available) func reportsRolesActionsAndNotices(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let a = try await store.createAccount(username: "a", passwordHash: "h", now: now).id
        let m = try await store.createAccount(username: "m", passwordHash: "h", now: now).id
        var filed: [Report] = []
        for (space, category) in [("g/acc", ReportCategory.spam), ("g/gmap", .threat), ("s/yeouido", .minorSafety)] {
            filed.append(
                try await store.fileReport(
                    Report(
                        reporterAccount: a, reportedAccount: nil, reportedName: "Guest 7", space: space,
                        category: category, note: "follows me", createdAt: now)))
        }
        #expect(try await store.report(id: filed[1].id) == filed[1])
        #expect(
            try await store.reports(spaces: ["g/acc", "g/gmap"], status: nil, limit: 10).map(\.id) == [
                filed[1].id, filed[0].id,
            ])
        #expect(try await store.reports(spaces: [], status: nil, limit: 10).isEmpty)
        #expect(try await store.reports(spaces: ["*"], status: .open, limit: 2).count == 2)
        try await store.closeReport(id: filed[0].id, status: .resolved, outcome: "warned", now: now + 60)
        #expect(try await store.reports(spaces: ["*"], status: .resolved, limit: 10).map(\.outcome) == ["warned"])
        await #expect(throws: StoreError.self) {
            try await store.closeReport(id: 9_999, status: .dismissed, outcome: "", now: now)
        }
        #expect(try await store.reportsFiled(by: a, limit: 10).count == 3)
        #expect(try await store.reportCount(by: a, since: now) == 3)
        #expect(try await store.reportCount(by: a, since: now + 1) == 0)

        try await store.setRole(account: m, space: "g/acc", role: .moderator)
        try await store.setRole(account: m, space: "*", role: .curator)
        try await store.setRole(account: m, space: "g/acc", role: .owner)
        #expect(try await store.roles(account: m) == ["g/acc": .owner, "*": .curator])
        try await store.setRole(account: m, space: "*", role: .visitor)
        #expect(try await store.roles(account: m) == ["g/acc": .owner])

        let until = now + 3600
        let kick = try await store.recordAction(
            ModerationAction(
                kind: .kick, moderatorAccount: m, targetAccount: a, targetName: "Ay", space: "g/acc",
                reportId: filed[0].id, reason: "spam", createdAt: now, until: until))
        #expect(try await store.actions(concerning: a, limit: 5) == [kick])
        #expect(try await store.actions(by: m, limit: 5) == [kick])
        try await store.addNotice(account: a, text: "first", now: now)
        try await store.addNotice(account: a, text: "second", now: now + 1)
        #expect(try await store.notices(account: a, limit: 5).map(\.text) == ["second", "first"])
        await db.close(store)
    }

    @Test(arguments: Backend.available) func exhibitionsAndNarrationsAreReplacedById(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        try await store.saveExhibition(id: "b-show", space: "g/gmap", json: "{\"v\":1}", now: now)
        try await store.saveExhibition(id: "a-show", space: "g/gmap", json: "{}", now: now)
        try await store.saveExhibition(id: "b-show", space: "g/gmap", json: "{\"v\":2}", now: now)
        #expect(try await store.exhibitions().map(\.id) == ["a-show", "b-show"])
        #expect(try await store.exhibitions().last?.json == "{\"v\":2}")
        try await store.saveNarration(artwork: "tate-1", ko: "설명", en: nil, now: now)
        try await store.saveNarration(artwork: "tate-1", ko: "설명", en: "About", now: now)
        let narrations = try await store.narrations()
        #expect(narrations.count == 1 && narrations[0].ko == "설명" && narrations[0].en == "About")
        await db.close(store)
    }
}
