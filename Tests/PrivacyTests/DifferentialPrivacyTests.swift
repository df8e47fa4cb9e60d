import Foundation
import Privacy
import Testing

/// A seeded generator, so the statistical tests are deterministic.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Differential privacy: Laplace noise, bounded tallies, releases")
struct DifferentialPrivacyTests {
    @Test("the empirical variance of Laplace noise matches 2b² and its mean is 0", arguments: [1.0, 5.0, 25.0])
    func laplaceVariance(scale: Double) {
        var rng = SplitMix(state: 42)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0, zeros = 0
        for _ in 0..<n {
            let x = Laplace.noise(scale: scale, using: &rng)
            if x == 0 { zeros += 1 }
            sum += x
            sumSq += x * x
        }
        let mean = sum / Double(n)
        let variance = sumSq / Double(n) - mean * mean
        // The sample variance of Laplace has relative s.d. √(5/n) ≈ 0.5 % here; allow 3 %.
        #expect(abs(variance / (2 * scale * scale) - 1) < 0.03)
        #expect(abs(mean) < 4 * (2 * scale * scale / Double(n)).squareRoot())
        #expect(zeros == 0)
    }

    static func tally(visitors: Int, hour: Int64 = 1_800_000_000) -> VisitTally {
        var t = VisitTally(hourStart: hour, grid: HeatGrid(minX: 0, minY: 0, width: 200, depth: 100))
        for v in 0..<visitors {
            let key = UInt64(v) &* 0x9E37_79B9
            t.arrive(visitor: key)
            // Each visitor is seen in two cells, longer in the second.
            t.observe(visitor: key, x: 5, y: 5, seconds: 600)
            t.observe(visitor: key, x: 150, y: 50, seconds: 1200)
        }
        return t
    }

    @Test("contributions are bounded: one visit, dwell ≤ 60 min, one main cell per visitor")
    func bounds() {
        var t = Self.tally(visitors: 10)
        // Coming back and staying all day changes nothing beyond the bounds.
        t.arrive(visitor: 0)
        t.observe(visitor: 0, x: 5, y: 5, seconds: 100_000)
        #expect(t.visitCount == 10)
        #expect(t.dwellMinutes <= 10 * 60)
        #expect(t.mainCells.values.reduce(0, +) == 10)
        // An unknown visitor's samples are ignored (they must arrive first).
        t.observe(visitor: 12345, x: 1, y: 1, seconds: 10)
        #expect(t.visitCount == 10)
    }

    @Test("over many releases the noisy visits have the calibrated variance and never equal the raw count")
    func releases() {
        var policy = ReleasePolicy()
        policy.threshold = -Double.infinity  // publish everything, to study the noise
        let t = Self.tally(visitors: 40)
        var rng = SplitMix(state: 7)
        let n = 20_000
        var sum = 0.0, sumSq = 0.0, raw = 0
        for _ in 0..<n {
            let r = HourRelease.make(space: "s", tally: t, policy: policy, rng: &rng)
            guard let v = r.visits else { Issue.record("suppressed"); return }
            if v == 40 { raw += 1 }
            sum += v
            sumSq += v * v
        }
        let b = 1 / (policy.epsilon * policy.visitShare)
        let mean = sum / Double(n)
        let variance = sumSq / Double(n) - mean * mean
        #expect(abs(variance / (2 * b * b) - 1) < 0.05)
        #expect(abs(mean - 40) < 0.3)
        #expect(raw == 0)
    }

    @Test("small counts are suppressed and empty cells rarely show")
    func suppression() {
        let policy = ReleasePolicy()
        var rng = SplitMix(state: 3)
        var shownSmall = 0, falseCells = 0
        let empty = VisitTally(hourStart: 0, grid: HeatGrid(minX: 0, minY: 0, width: 640, depth: 640))
        for _ in 0..<1000 {
            if HourRelease.make(space: "s", tally: Self.tally(visitors: 0), policy: policy, rng: &rng).visits != nil {
                shownSmall += 1
            }
            falseCells += HourRelease.make(space: "s", tally: empty, policy: policy, rng: &rng).cells.count
        }
        // P(Laplace(5) ≥ 5) = e⁻¹/2 ≈ 18 %: an empty space still shows sometimes, as DP requires.
        #expect(shownSmall > 100 && shownSmall < 260)
        // Heatmap threshold: about 5 % of empty maps show one false cell.
        #expect(falseCells < 100)
    }

    @Test("policy checks and the releases a day the cap allows")
    func policy() {
        var p = ReleasePolicy()
        #expect(p.problem == nil && p.releasesPerDay == 4)
        p.epsilon = 0.08
        #expect(p.releasesPerDay == 25)
        p.epsilon = 0
        #expect(p.problem != nil)
        p.epsilon = 3
        #expect(p.problem != nil)
    }
}
