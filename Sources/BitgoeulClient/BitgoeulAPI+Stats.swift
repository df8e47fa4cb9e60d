import Foundation

/// City statistics from Swift: the differentially private hourly releases planners read.
extension BitgoeulAPI {
    /// One space's releases for one day, with the privacy budget they spent.
    public struct VisitStats: Decodable, Sendable {
        public struct Hour: Decodable, Sendable {
            public let hourStart: Date
            /// Noisy; nil when below the threshold.
            public let visits: Double?
            public let dwellMinutesMean: Double?
            public let epsilon: Double
            /// Laplace scales by figure (visits, dwellMinutes, heatmapCell).
            public let scales: [String: Double]
        }
        public let space: String
        public let date: String
        public let timeZone: String
        public let epsilonSpent: Double
        public let dailyCap: Double
        public let threshold: Double
        public let hours: [Hour]
        public let notReleased: [Date]
    }

    /// `date` is yyyy-MM-dd in the server's statistics time zone; nil means today.
    public func visitStats(space: String, date: String? = nil) async throws -> VisitStats {
        var query = "space=\(space.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? space)"
        if let date { query += "&date=\(date)" }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(VisitStats.self, from: try await call("GET", "/api/v1/stats/visits?\(query)"))
    }
}
