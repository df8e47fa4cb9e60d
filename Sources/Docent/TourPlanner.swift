import Foundation

/// Plans a tour: the works that best match a visitor's interests, in a walking order, within a
/// time budget — walking time measured along the walkable area (never through walls) plus a dwell
/// time at each work.
public struct TourPlanner: Sendable {
    public struct Stop: Sendable, Codable, Hashable {
        public var artwork: String
        public var title: String
        public var x: Double
        public var y: Double
        /// Seconds from the start when the visitor arrives at and leaves the work.
        public var arriveS: Double
        public var leaveS: Double
    }

    public struct Plan: Sendable, Codable, Hashable {
        public var stops: [Stop]
        public var totalS: Double
        public var budgetS: Double
    }

    public struct PlanError: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public var walkingSpeedMps = 1.0
    public var dwellS = 60.0
    public static let budgetMaxS = 8 * 3600.0

    public init() {}

    /// `walk(a, b)` is the walking distance (metres) between two places, nil where unreachable.
    public func plan(
        interests: String, budgetS: Double, start: (x: Double, y: Double), docent: Docent,
        works: [Exhibition.Placement], walk: (_ from: (x: Double, y: Double), _ to: (x: Double, y: Double)) -> Double?
    ) throws(PlanError) -> Plan {
        guard budgetS.isFinite, budgetS > 0, budgetS <= Self.budgetMaxS else {
            throw PlanError(reason: "a time budget is more than 0 s and at most \(Int(Self.budgetMaxS)) s")
        }
        guard interests.count <= Docent.questionLengthMax else {
            throw PlanError(reason: "interests are at most \(Docent.questionLengthMax) characters")
        }
        guard !works.isEmpty else { throw PlanError(reason: "there are no works on show here") }
        // Relevance of each work on show to the interests (everything counts a little).
        let terms = TextAnalyzer.terms(interests) + Glossary.expansions(of: interests)
        let ranked = docent.index.search(terms: terms, limit: docent.index.artworks.count)
        let byId = docent.artworksById
        var relevance: [String: Double] = [:]
        for r in ranked { relevance[docent.index.artworks[r.doc].id] = Double(r.score) }
        var remaining = works
        var here = start
        var clock = 0.0
        var stops: [Stop] = []
        while true {
            // The best value for time among the works that still fit: relevance over walking + dwell.
            var best: (index: Int, value: Double, walkS: Double)?
            for (i, w) in remaining.enumerated() {
                guard let metres = walk(here, (w.x, w.y)) else { continue }
                let walkS = metres / walkingSpeedMps
                guard clock + walkS + dwellS <= budgetS else { continue }
                let value = (0.1 + (relevance[w.artwork] ?? 0)) / (walkS + dwellS)
                if best == nil || value > best!.value { best = (i, value, walkS) }
            }
            guard let choice = best else { break }
            let w = remaining.remove(at: choice.index)
            let arrive = clock + choice.walkS
            stops.append(
                Stop(
                    artwork: w.artwork, title: byId[w.artwork]?.title ?? w.artwork, x: w.x, y: w.y, arriveS: arrive,
                    leaveS: arrive + dwellS))
            clock = arrive + dwellS
            here = (w.x, w.y)
        }
        guard !stops.isEmpty else {
            throw PlanError(reason: "no work can be reached and seen within \(Int(budgetS)) s")
        }
        return Plan(stops: stops, totalS: clock, budgetS: budgetS)
    }
}
