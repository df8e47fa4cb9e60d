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
                // Deaf to cancellation, like a query waiting on a socket nobody answers, until the
                // caller has its answer (60 s at most, so a deadline that waits for the operation
                // fails the test by returning 1 instead of hanging it).
                while !released.load(ordering: .relaxed) && ContinuousClock.now - started < .seconds(60) {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                return 1
            }
        }
        released.store(true, ordering: .relaxed)
    }

    /// (The deadline is long: beside the other suites on two cores, the task pool can be busy
    /// for tens of seconds before the operation even starts, while the timer's loop is not.)
    @Test func anAnswerBeforeTheDeadlineIsReturnedAndAnErrorPassedOn() async throws {
        let value = try await withDeadline(seconds: 300, expired: { Expired() }) { 42 }
        #expect(value == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await withDeadline(seconds: 300, expired: { Expired() }) { () async throws -> Int in throw Refused() }
        }
    }

    @Test func cancellingTheCallerEndsTheWait() async throws {
        let task = Task {
            try await withDeadline(seconds: 30, expired: { Expired() }) { () async throws -> Int in
                try? await Task.sleep(for: .seconds(60))
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        // Not the operation's 1, which would take a minute: the caller stopped waiting.
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
