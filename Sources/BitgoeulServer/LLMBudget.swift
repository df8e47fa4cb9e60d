import Clocks
import Realtime
import Synchronization

/// Calls to the model across the whole server: a public question box must not become a way to
/// run up the operator's model bill. Past the rate, answers come from the catalogue alone.
final class LLMBudget: Sendable {
    private let bucket: Mutex<TokenBucket>
    private let monotonicS: @Sendable () -> Double

    init(monotonicS: @escaping @Sendable () -> Double) {
        self.monotonicS = monotonicS
        bucket = Mutex(TokenBucket(ratePerS: 2, burst: 10, nowS: monotonicS()))
    }

    func take() -> Bool {
        let now = monotonicS()
        return bucket.withLock { $0.take(nowS: now) }
    }
}
