import NIOCore
import NIOPosix
import Synchronization

/// Runs `operation` and returns its result, or throws `expired()` once `seconds` have passed,
/// whichever comes first, without waiting for an operation that does not end.
///
/// A task group would wait for its children: a query on a connection whose server stopped
/// answering ignores cancellation until the socket fails, and the caller would wait that long.
/// Here the operation runs in its own task; on expiry it is cancelled and left to end by itself
/// (its connection goes back to the pool, or is closed, when it does). An expired write may still
/// commit later, as with any timeout: the caller was told it is unknown, never that it failed.
func withDeadline<T: Sendable>(
    seconds: Double, on loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any(),
    expired: @escaping @Sendable () -> any Error, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = Outcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            outcome.wait(continuation)
            let work = Task {
                do { outcome.end(.success(try await operation())) } catch { outcome.end(.failure(error)) }
            }
            // The timer runs on an event loop, not in the task pool: a pool busy with other work
            // must not hold the deadline back.
            let timer = loop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
                outcome.end(.failure(expired()))
            }
            outcome.onEnd { succeeded in
                timer.cancel()
                if !succeeded { work.cancel() }
            }
        }
    } onCancel: {
        outcome.end(.failure(CancellationError()))
    }
}

/// One continuation resumed exactly once, by whichever side ends first.
private final class Outcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var ended = false
        var succeeded = false
        var cleanup: (@Sendable (Bool) -> Void)?
    }
    private let state = Mutex(State())

    func wait(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock {
            if let early = $0.early { return early }
            $0.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Registers what to undo once an outcome is known (or at once, if it is); it is told
    /// whether the operation's own answer ended it.
    func onEnd(_ cleanup: @escaping @Sendable (Bool) -> Void) {
        let endedAlready: Bool? = state.withLock {
            if $0.ended { return $0.succeeded }
            $0.cleanup = cleanup
            return nil
        }
        if let endedAlready { cleanup(endedAlready) }
    }

    /// Ends with `result` unless something ended first; true when this call ended it.
    @discardableResult
    func end(_ result: Result<T, any Error>) -> Bool {
        let succeeded = if case .success = result { true } else { false }
        let (won, continuation, cleanup) = state.withLock {
            s -> (Bool, CheckedContinuation<T, any Error>?, (@Sendable (Bool) -> Void)?) in
            if s.ended { return (false, nil, nil) }
            s.ended = true
            s.succeeded = succeeded
            let continuation = s.continuation
            s.continuation = nil
            if continuation == nil { s.early = result }
            let cleanup = s.cleanup
            s.cleanup = nil
            return (true, continuation, cleanup)
        }
        continuation?.resume(with: result)
        cleanup?(succeeded)
        return won
    }
}
