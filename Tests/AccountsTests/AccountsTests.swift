import Accounts
import Clocks
import Foundation
import Storage
import StorageSQLite
import Testing

/// Passwords, session tokens and the persona-switch delay, without a server.
@Suite struct AccountsTests {
    let noon = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func aPasswordVerifiesOnlyItself() async throws {
        let hasher = PasswordHasher(iterations: 1_000)
        let stored = try await hasher.hash("광주 비엔날레 2026")
        #expect(stored.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(try await hasher.verify("광주 비엔날레 2026", against: stored))
        #expect(try await !hasher.verify("광주 비엔날레 2025", against: stored))
        #expect(try await hasher.hash("same") != hasher.hash("same"), "every hash has its own salt")
    }

    @Test func malformedStoredHashesNeverVerify() async throws {
        let hasher = PasswordHasher(iterations: 1_000)
        for stored in ["", "plain", "pbkdf2-sha256$x$AA==$AA==", "md5$1$AA==$AA==", "pbkdf2-sha256$0$AA==$AA=="] {
            #expect(try await !hasher.verify("p", against: stored), "\(stored)")
        }
    }

    @Test func aFullQueueOfDerivationsIsRefusedNotQueued() async throws {
        let hasher = PasswordHasher(iterations: 1_000, pendingMax: 0)
        await #expect(throws: PasswordHasher.Busy.self) { _ = try await hasher.hash("p") }
    }

    @Test func constantTimeComparisonComparesEveryByte() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2], [1, 2, 3]))
    }

    @Test func aTokenFindsItsAccountUntilItExpires() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: dir.appendingPathComponent("a.sqlite").path)
        let account = try await store.createAccount(username: "mina", passwordHash: "h", now: noon)
        let (token, hash) = SessionToken.make()
        #expect(token.count == 43 && !token.contains("+") && !token.contains("/") && !token.contains("="))
        #expect(hash == SessionToken.hash(token))
        try await store.createSession(SessionRecord(tokenHash: hash, accountId: account.id, expiresAt: noon + 3600))
        #expect(try await SessionToken.account(forToken: token, in: store, now: noon) == account.id)
        #expect(try await SessionToken.account(forToken: token, in: store, now: noon + 3601) == nil, "expired")
        #expect(try await SessionToken.account(forToken: "nope", in: store, now: noon) == nil)
        let long = String(repeating: "a", count: SessionToken.lengthMax + 1)
        #expect(try await SessionToken.account(forToken: long, in: store, now: noon) == nil)
        #expect(try await SessionToken.account(forToken: "", in: store, now: noon) == nil)
    }

    @Test func enteringAsAnotherPersonaSoonAfterOneLeftWaits() {
        let clock = ManualClock(at: noon)
        let guardian = PersonaSwitchGuard(windowS: 60, delayS: 3...12, monotonicS: clock.clock.monotonicS)
        #expect(guardian.delay(account: 1, persona: 10) == nil, "nobody left yet")
        guardian.left(account: 1, persona: 10)
        #expect(guardian.delay(account: 1, persona: 10) == nil, "the same persona comes back at once")
        let wait = guardian.delay(account: 1, persona: 11)
        #expect(wait.map { (3...12).contains($0) } == true)
        #expect(guardian.delay(account: 2, persona: 11) == nil, "other accounts are not delayed")
        clock.advance(by: 61)
        #expect(guardian.delay(account: 1, persona: 11) == nil, "after the window, no delay")
    }
}
