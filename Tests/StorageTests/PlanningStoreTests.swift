import Foundation
import Storage
import Testing
import WorldModel

/// Proposals, the ballot and the discussion on every backend: a voter's second stance replaces the
/// first, the key once destroyed stays gone, replies go with their comment, comments with their
/// author, and a proposal keeps at most so many.
@Suite struct PlanningStoreTests {
    static let now = Date(timeIntervalSince1970: 1_796_094_000)

    @Test(arguments: Backend.available) func theBallotCountsOneRowPerVoterAndLosesItsKey(_ backend: Backend)
        async throws
    {
        let db = try await backend.fresh()
        let store = try await db.open()
        let fresh = Data(repeating: 7, count: 32)
        let key = try #require(try await store.ballotKey(proposal: "tower", fresh: fresh))
        #expect(key == fresh)
        #expect(
            try await store.ballotKey(proposal: "tower", fresh: Data(repeating: 9, count: 32)) == fresh, "made once")
        let a = Data(repeating: 1, count: 32)
        let b = Data(repeating: 2, count: 32)
        try await store.vote(proposal: "tower", version: 1, voter: a, stance: "support")
        try await store.vote(proposal: "tower", version: 1, voter: a, stance: "oppose")
        try await store.vote(proposal: "tower", version: 1, voter: b, stance: "oppose")
        try await store.vote(proposal: "tower", version: 2, voter: a, stance: "support")
        #expect(try await store.tally(proposal: "tower", version: 1) == ["oppose": 2])
        #expect(try await store.tally(proposal: "tower", version: 2) == ["support": 1])
        #expect(try await store.stance(proposal: "tower", version: 1, voter: a) == "oppose")
        try await store.vote(proposal: "tower", version: 1, voter: b, stance: nil)
        #expect(try await store.tally(proposal: "tower", version: 1) == ["oppose": 1])
        try await store.destroyBallotKey(proposal: "tower")
        #expect(try await store.ballotKey(proposal: "tower", fresh: fresh) == nil, "a destroyed key is not made again")
        #expect(!(try await store.vote(proposal: "tower", version: 1, voter: b, stance: "support")), "no vote after")
        try await store.destroyBallotKey(proposal: "never-voted")
        #expect(try await store.ballotKey(proposal: "never-voted", fresh: fresh) == nil)
        #expect(try await store.tally(proposal: "tower", version: 1) == ["oppose": 1], "the votes stay")
        await db.close(store)
    }

    @Test(arguments: Backend.available) func commentsThreadEditAndGoWithTheirAuthor(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let account = try await store.createAccount(username: "citizen", passwordHash: "h", now: Self.now)
        let persona = try await store.createPersona(
            accountId: account.id, name: "시민", appearance: .standard, maxPerAccount: 3, now: Self.now)
        let other = try await store.createAccount(username: "other", passwordHash: "h", now: Self.now)
        let otherPersona = try await store.createPersona(
            accountId: other.id, name: "이웃", appearance: .standard, maxPerAccount: 3, now: Self.now)
        func comment(_ text: String, parent: Int64? = nil, by who: (Int64, Int64)) async throws -> ProposalComment {
            try await store.addComment(
                ProposalComment(
                    proposal: "tower", version: 1, parent: parent, account: who.0, persona: who.1, author: "시민",
                    planner: false, text: text, createdAt: Self.now), commentsMax: 3)
        }
        let first = try await comment("첫 의견", by: (account.id, persona.id))
        let reply = try await comment("답", parent: first.id, by: (other.id, otherPersona.id))
        _ = try await comment("둘째", by: (other.id, otherPersona.id))
        await #expect(throws: StoreError.self, "three comments at most here") {
            _ = try await comment("넷째", by: (account.id, persona.id))
        }
        #expect(try await store.comments(proposal: "tower").map(\.text) == ["첫 의견", "답", "둘째"])
        #expect(try await store.comment(id: reply.id)?.parent == first.id)
        #expect(!(try await store.editComment(id: first.id, account: other.id, text: "x", now: Self.now)))
        #expect(try await store.editComment(id: first.id, account: account.id, text: "고친 의견", now: Self.now + 60))
        let edited = try #require(try await store.comment(id: first.id))
        #expect(edited.text == "고친 의견" && edited.editedAt == Self.now + 60)
        try await store.removeComment(id: first.id)
        #expect(try await store.comments(proposal: "tower").map(\.text) == ["둘째"], "its reply went with it")
        _ = try await store.eraseAccount(id: other.id, tombstone: "(erased)")
        #expect(try await store.comments(proposal: "tower").isEmpty, "erasing the author erases their comments")
        await db.close(store)
    }

    @Test(arguments: Backend.available) func versionsAndReportsAreKept(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        try await store.saveProposal(
            StoredProposal(id: "tower", space: "seoul/yeouido", version: 1, json: "{}", savedAt: Self.now),
            replacing: false)
        try await store.saveProposal(
            StoredProposal(id: "tower", space: "seoul/yeouido", version: 1, json: "{\"a\":1}", savedAt: Self.now + 1),
            replacing: true)
        await #expect(throws: StoreError.self, "a version is inserted once") {
            try await store.saveProposal(
                StoredProposal(id: "tower", space: "seoul/yeouido", version: 1, json: "{}", savedAt: Self.now),
                replacing: false)
        }
        try await store.saveProposal(
            StoredProposal(id: "tower", space: "seoul/yeouido", version: 2, json: "{\"a\":2}", savedAt: Self.now + 2),
            replacing: false)
        let versions = try await store.proposalVersions()
        #expect(
            versions.map(\.version) == [1, 2] && versions[0].json == "{\"a\":1}" && versions[1].savedAt == Self.now + 2)
        try await store.saveProposalReport(proposal: "tower", json: "{\"r\":1}")
        try await store.saveProposalReport(proposal: "tower", json: "{\"r\":2}")
        #expect(try await store.proposalReport(proposal: "tower") == "{\"r\":1}", "a report is frozen")
        await db.close(store)
    }
}
