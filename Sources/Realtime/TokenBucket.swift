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

    /// Takes one token if there is one.
    public mutating func take(nowS: Double) -> Bool {
        tokens = min(burst, tokens + max(0, nowS - lastS) * ratePerS)
        lastS = nowS
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// A small, fast, seedable random generator (SplitMix64) for deterministic spawns and bots.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
