import Foundation
import Synchronization
import Testing

@testable import StoragePostgres

/// The PostgreSQL store's bound on one operation, without a server: an operation that ignores
/// cancellation (as a query on a silent socket does) must not hold its caller past the deadline.
struct DeadlineTests {
    struct Expired: Error {}

    @Test func anOperationThatNeverAnswersFailsAtTheDeadline() async throws {
        let released = Atomic<Bool>(false)
        let started = ContinuousClock.now
        await #expect(throws: Expired.self) {
            try await withDeadline(seconds: 0.2, expired: { Expired() }) {
                // Deaf to cancellation, like a query waiting on a socket nobody answers (3 s at
                // most, so a deadline that waits for it fails the test instead of hanging it).
                while !released.load(ordering: .relaxed) && ContinuousClock.now - started < .seconds(3) {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                return 1
            }
        }
        let waited = ContinuousClock.now - started
        released.store(true, ordering: .relaxed)
        #expect(waited < .seconds(1.5), "waited \(waited)")
    }

    @Test func anAnswerBeforeTheDeadlineIsReturnedAndAnErrorPassedOn() async throws {
        let value = try await withDeadline(seconds: 5, expired: { Expired() }) { 42 }
        #expect(value == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await withDeadline(seconds: 5, expired: { Expired() }) { () async throws -> Int in throw Refused() }
        }
    }

    @Test func cancellingTheCallerEndsTheWait() async throws {
        let task = Task {
            try await withDeadline(seconds: 30, expired: { Expired() }) { () async throws -> Int in
                try? await Task.sleep(for: .seconds(3))
                return 1
            }
        }
        let started = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
