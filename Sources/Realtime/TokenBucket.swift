/// A token bucket: `ratePerS` tokens a second, holding at most `burst`.
///
/// A value type owned by one connection; no locking.
public struct TokenBucket: Sendable {
    public let ratePerS: Double
    public let burst: Double
    private var tokens: Double
    private var lastS: Double

    public init(ratePerS: Double, burst: Double, nowS: Double) {
        precondition(ratePerS > 0 && burst >= 1)
        self.ratePerS = ratePerS
        self.burst = burst
        self.tokens = burst
        self.lastS = nowS
    }

    /// Whether the bucket has refilled to its burst: then it is no different from a new one.
    public func isFull(nowS: Double) -> Bool {
        tokens + max(0, nowS - lastS) * ratePerS >= burst
    }

    /// Takes one token if there is one.
    public mutating func take(nowS: Double) -> Bool {
        tokens = min(burst, tokens + max(0, nowS - lastS) * ratePerS)
        lastS = nowS
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
