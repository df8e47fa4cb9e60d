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
    seconds: Double, expired: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = Outcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            outcome.wait(continuation)
            let work = Task {
                do { outcome.end(.success(try await operation())) } catch { outcome.end(.failure(error)) }
            }
            let timer = Task {
                try? await Task.sleep(for: .seconds(seconds))
                if !Task.isCancelled, outcome.end(.failure(expired())) { work.cancel() }
            }
            outcome.onEnd { timer.cancel() }
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
        var cleanup: (@Sendable () -> Void)?
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

    /// Registers what to undo once an outcome is known (or at once, if it is).
    func onEnd(_ cleanup: @escaping @Sendable () -> Void) {
        let now = state.withLock {
            if $0.ended { return true }
            $0.cleanup = cleanup
            return false
        }
        if now { cleanup() }
    }

    /// Ends with `result` unless something ended first; true when this call ended it.
    @discardableResult
    func end(_ result: Result<T, any Error>) -> Bool {
        let (won, continuation, cleanup) = state.withLock {
            s -> (Bool, CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            if s.ended { return (false, nil, nil) }
            s.ended = true
            let continuation = s.continuation
            s.continuation = nil
            if continuation == nil { s.early = result }
            let cleanup = s.cleanup
            s.cleanup = nil
            return (true, continuation, cleanup)
        }
        continuation?.resume(with: result)
        cleanup?()
        return won
    }
}
