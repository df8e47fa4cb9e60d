import Foundation

/// The Laplace mechanism: noise with density exp(-|x|/b)/2b, b = sensitivity / ε.
///
/// Drawn by inverting the CDF from a 53-bit uniform; the noise is never exactly zero. (Textbook
/// floating-point Laplace has the Mironov 2012 weakness in its lowest bits; see docs/privacy.md.)
public enum Laplace {
    public static func noise(scale b: Double, using rng: inout some RandomNumberGenerator) -> Double {
        precondition(b > 0 && b.isFinite)
        // u in (-0.5, 0.5), never exactly ±0.5 (log(0)) and never exactly 0 (noise exactly 0).
        var u = 0.0
        repeat {
            u = Double(rng.next() >> 11) / Double(1 << 53) - 0.5
        } while u == 0 || abs(u) >= 0.5
        return -b * (u < 0 ? -1 : 1) * log(1 - 2 * abs(u))
    }
}

/// How hourly releases spend privacy: ε per release split between its three figures, a daily cap
/// per space, and the threshold below which values are suppressed.
public struct ReleasePolicy: Codable, Hashable, Sendable {
    /// ε of one hourly release (the three figures together, by sequential composition).
    public var epsilon = 0.5
    /// Total ε one space may spend in one day.
    public var dailyCap = 2.0
    /// Published values below this are withheld.
    public var threshold = 5.0
    /// Shares of ε: visits, dwell, heatmap (they sum to 1).
    public var visitShare = 0.4
    public var dwellShare = 0.2
    public var heatShare = 0.4
    /// A heatmap cell is shown only above the level pure noise passes in this share of maps.
    public var heatFalsePositive = 0.05

    public init() {}

    /// Releases per space per day the cap allows.
    public var releasesPerDay: Int { Int((dailyCap / epsilon + 1e-9).rounded(.down)) }

    /// A problem with the numbers, or nil.
    public var problem: String? {
        guard epsilon > 0, epsilon.isFinite, epsilon <= 10 else { return "epsilon must be in (0, 10]" }
        guard dailyCap >= epsilon, dailyCap <= 100 else {
            return "the daily cap must be at least one release's epsilon"
        }
        guard threshold >= 0 else { return "the threshold must not be negative" }
        guard abs(visitShare + dwellShare + heatShare - 1) < 1e-9, visitShare > 0, dwellShare > 0, heatShare > 0 else {
            return "the epsilon shares must be positive and sum to 1"
        }
        return nil
    }
}

/// One space's published statistics for one hour: only noisy values, with the ε they cost.
public struct HourRelease: Codable, Hashable, Sendable {
    /// A heatmap cell, by column and row of the release's grid.
    public struct Cell: Codable, Hashable, Sendable {
        public var column: Int
        public var row: Int
        public var visitors: Double
    }

    public var space: String
    public var hourStart: Int64
    public var epsilon: Double
    /// Noisy distinct visitors; nil when suppressed.
    public var visits: Double?
    /// Noisy mean dwell in minutes (noisy total over noisy visits); nil when visits are suppressed.
    public var dwellMinutesMean: Double?
    public var grid: HeatGrid
    /// Cells above the heatmap threshold only.
    public var cells: [Cell]
    /// The Laplace scales used, so anyone can judge the error bars.
    public var scales: [String: Double]
    public var threshold: Double
    public var heatThreshold: Double
    /// The part of the hour that was counted, when not all of it was (nil for a whole hour; absent
    /// in releases stored before it existed).
    public var counted: Coverage?

    /// Seconds since 1970, from (inclusive) until (exclusive).
    public struct Coverage: Codable, Hashable, Sendable {
        public var from: Int64
        public var until: Int64

        public init(from: Int64, until: Int64) {
            self.from = from
            self.until = until
        }
    }

    /// Adds calibrated noise to `tally` and keeps only what passes the thresholds. The raw
    /// counts are not part of the result.
    public static func make(
        space: String, tally: VisitTally, policy: ReleasePolicy, rng: inout some RandomNumberGenerator
    ) -> HourRelease {
        let visitScale = 1 / (policy.epsilon * policy.visitShare)
        let dwellScale = 60 / (policy.epsilon * policy.dwellShare)
        let heatScale = 1 / (policy.epsilon * policy.heatShare)
        let noisyVisits = Double(tally.visitCount) + Laplace.noise(scale: visitScale, using: &rng)
        let noisyDwell = tally.dwellMinutes + Laplace.noise(scale: dwellScale, using: &rng)
        // P(Laplace(b) > t) = exp(-t/b)/2: pick t so pure noise passes in `heatFalsePositive` of maps.
        let grid = tally.grid
        let heatThreshold = max(
            policy.threshold, heatScale * log(Double(grid.cellCount) / (2 * policy.heatFalsePositive)))
        let main = tally.mainCells
        var cells: [Cell] = []
        // Every cell gets noise, empty or not: which cells appear must not depend on one person.
        for index in 0..<grid.cellCount {
            let value = Double(main[UInt32(index)] ?? 0) + Laplace.noise(scale: heatScale, using: &rng)
            if value >= heatThreshold {
                cells.append(Cell(column: index % grid.columns, row: index / grid.columns, visitors: value))
            }
        }
        let shown = noisyVisits >= policy.threshold
        return HourRelease(
            space: space, hourStart: tally.hourStart, epsilon: policy.epsilon,
            visits: shown ? noisyVisits : nil,
            dwellMinutesMean: shown ? min(60, max(0, noisyDwell / noisyVisits)) : nil,
            grid: grid, cells: cells,
            scales: ["visits": visitScale, "dwellMinutes": dwellScale, "heatmapCell": heatScale],
            threshold: policy.threshold, heatThreshold: round2(heatThreshold),
            counted: tally.isPartial ? Coverage(from: tally.countedFrom, until: tally.countedUntil) : nil)
    }

    static func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}
