import Foundation
import Privacy

/// Stamps earned per checkpoint in one day, counted by distinct account under a salt that is
/// random per day and never stored. It lives in memory until the day's noisy release is made
/// (`MissionDayRelease`), then it is dropped.
public struct CompletionTally: Sendable {
    /// The day (`yyyy-MM-dd` in the city's time zone) and its start, seconds since 1970.
    public let day: String
    public let dayStart: Int64
    private let salt = VisitSalt.random()
    /// Mission → checkpoint → salted account keys.
    private(set) var accounts: [String: [String: Set<UInt64>]] = [:]

    public init(day: String, dayStart: Int64) {
        self.day = day
        self.dayStart = dayStart
    }

    /// Counts `account` as having earned the stamp of `checkpoint` today (once, however many personas).
    public mutating func earned(account: Int64, mission: String, checkpoint: String) {
        accounts[mission, default: [:]][checkpoint, default: []].insert(salt.key(for: account))
    }

    public var missions: [String] { accounts.keys.sorted() }

    /// The true count for one checkpoint (tests only look; releases add noise).
    public func count(mission: String, checkpoint: String) -> Int { accounts[mission]?[checkpoint]?.count ?? 0 }
}

/// One mission's completion counts for one day, as released: noisy, thresholded, with the ε spent.
///
/// An account changes each checkpoint's count by at most one, so the L1 sensitivity of the whole
/// release is the number of checkpoints; each count gets Laplace noise of scale checkpoints / ε.
public struct MissionDayRelease: Codable, Hashable, Sendable {
    public var mission: String
    public var day: String
    public var epsilon: Double
    public var scale: Double
    public var threshold: Double
    /// Noisy distinct accounts that earned each checkpoint's stamp that day; nil when below the threshold.
    public var checkpoints: [String: Double?]

    public static func make(
        mission: Mission, tally: CompletionTally, policy: ReleasePolicy, rng: inout some RandomNumberGenerator
    ) -> MissionDayRelease {
        let scale = Double(mission.checkpoints.count) / policy.epsilon
        var counts: [String: Double?] = [:]
        // Every checkpoint gets noise, earned today or not: which ones appear must not depend on one person.
        for c in mission.checkpoints {
            let noisy =
                Double(tally.count(mission: mission.id, checkpoint: c.id)) + Laplace.noise(scale: scale, using: &rng)
            counts[c.id] = noisy >= policy.threshold ? (noisy * 10).rounded() / 10 : nil
        }
        return MissionDayRelease(
            mission: mission.id, day: tally.day, epsilon: policy.epsilon, scale: scale, threshold: policy.threshold,
            checkpoints: counts)
    }
}
