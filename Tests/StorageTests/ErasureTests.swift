import Crypto
import Foundation
import Privacy
import Storage
import Testing
import WorldModel

/// Erasure removes every trace of an account from what the database holds (the SQLite file and
/// its WAL, or a `pg_dump`), keeps others' records readable with a tombstone, and the
/// transparency log, which is append-only, keeps verifying.
@Suite struct ErasureTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: Backend.available) func erasureLeavesNoTraceInTheDatabase(_ backend: Backend) async throws {
        let db = try await backend.fresh()
        let store = try await db.open()
        let log = AccessLog(store: store, key: Curve25519.Signing.PrivateKey())
        let alice = try await store.createAccount(username: "alice-erased", passwordHash: "pbkdf2$alice", now: now).id
        let bob = try await store.createAccount(username: "bob-stays", passwordHash: "h", now: now).id
        let first = try await store.createPersona(
            accountId: alice, name: "Alicia Moon", appearance: .standard, maxPerAccount: 5, now: now)
        _ = try await store.updatePersona(
            accountId: alice, personaId: first.id, name: "Alicia Sun", appearance: .standard)
        _ = try await store.createPersona(
            accountId: alice, name: "Second Moon", appearance: .standard, maxPerAccount: 5, now: now)
        _ = try await store.createPersona(
            accountId: bob, name: "Bobby", appearance: .standard, maxPerAccount: 5, now: now)
        try await store.createSession(SessionRecord(tokenHash: [9, 9, 9], accountId: alice, expiresAt: now + 60))
        _ = try await store.addRelation(kind: .block, owner: bob, target: alice, targetName: "Alicia Moon", now: now)
        _ = try await store.requestFriend(from: alice, fromName: "Alicia Sun", to: bob, toName: "Bobby", now: now)
        _ = try await store.fileReport(
            Report(
                reporterAccount: alice, reportedAccount: bob, reportedName: "Bobby", space: "g/acc",
                category: .harassment, note: "Bobby keeps following Alicia Moon", createdAt: now))
        let aboutHer = try await store.fileReport(
            Report(
                reporterAccount: bob, reportedAccount: alice, reportedName: "Alicia Moon", space: "g/acc",
                category: .spam, note: "Alicia Moon spams", createdAt: now))
        try await store.closeReport(id: aboutHer.id, status: .resolved, outcome: "Alicia Moon warned", now: now)
        _ = try await store.recordAction(
            ModerationAction(
                kind: .warn, moderatorAccount: bob, targetAccount: alice, targetName: "Alicia Moon", space: "g/acc",
                reportId: aboutHer.id, reason: "Alicia Moon: no spam", createdAt: now, until: nil))
        try await store.addNotice(account: bob, text: "Your report on Alicia Moon was resolved", now: now)
        try await store.setRole(account: alice, space: "g/acc", role: .docent)
        _ = try await store.putVault(account: alice, blob: "sealed-life-log", expectedRevision: 0, now: now)
        try await log.record(
            .evidenceOpened, subject: alice, actor: bob, role: "moderator", purpose: "report", now: now)

        let erased = try await store.eraseAccount(id: alice, tombstone: "(erased)")
        #expect(erased.personas == 2 && erased.sessions == 1 && erased.relations == 1 && erased.friendships == 1)
        #expect(erased.reportsTombstoned == 1 && erased.vaultDeleted)
        await #expect(throws: StoreError.self) { _ = try await store.eraseAccount(id: alice, tombstone: "(erased)") }

        let everything = try await db.everything().lowercased()
        for trace in ["alicia moon", "alicia sun", "second moon", "alice-erased", "pbkdf2$alice", "sealed-life-log"] {
            #expect(!everything.contains(trace), "the \(backend) database still holds '\(trace)'")
        }
        #expect(everything.contains("bobby keeps following (erased)"), "what she filed stays, without her name")
        #expect(try await store.account(id: alice) == nil)
        #expect(try await store.session(tokenHash: [9, 9, 9]) == nil)
        #expect(try await store.notices(account: bob, limit: 5).map(\.text) == ["Your report on (erased) was resolved"])
        #expect(try await store.relations(owner: bob).isEmpty, "a block of her ended with her account")
        #expect(try await store.report(id: aboutHer.id)?.outcome == "(erased) warned")
        #expect(try await store.personas(accountId: bob).map(\.name) == ["Bobby"], "Bob's data is intact")
        let audit = try await log.audit()
        #expect(audit.ok && audit.entries == 1, "the log still verifies: \(audit)")
        await db.close(store)
    }
}
