import Foundation
import Hummingbird
import Privacy
import Realtime
import Storage
import WorldModel

/// City statistics for planners: hourly visits, dwell and heatmaps per space, published only as
/// differentially private releases with the ε each cost. Nobody can see a person here.
struct StatsController {
    let services: Services

    struct HourView: Encodable {
        let hourStart: Date
        let visits: Double?
        let dwellMinutesMean: Double?
        let epsilon: Double
        let scales: [String: Double]
        /// Present when only part of the hour was counted (the space was started or taken over by
        /// another node during it): the figures cover this part.
        let counted: CountedPart?
    }

    struct CountedPart: Encodable {
        let from: Date
        let until: Date

        init?(_ coverage: HourRelease.Coverage?) {
            guard let coverage else { return nil }
            from = StatsController.date(coverage.from)
            until = StatsController.date(coverage.until)
        }
    }

    struct VisitsBody: Encodable {
        let space: String
        let date: String
        let timeZone: String
        let epsilonSpent: Double
        let dailyCap: Double
        let threshold: Double
        let hours: [HourView]
        /// Hours of the day that have ended but have no release (budget spent, or the server was down).
        let notReleased: [Date]
    }

    struct HeatmapBody: Encodable {
        let space: String
        let hourStart: Date
        let epsilon: Double
        let grid: HeatGrid
        let cells: [HourRelease.Cell]
        let heatThreshold: Double
        let scale: Double
        let counted: CountedPart?
    }

    static let daySeconds: Int64 = 86_400

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/api/v1/stats/visits", use: visits)
            .get("/api/v1/stats/heatmap", use: heatmap)
    }

    /// The day's hourly releases for a space, and the ended hours that have none.
    @Sendable func visits(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let (space, day, start) = try dayQuery(request)
        return JSON.response(try await visitsBody(space, day: day, start: start))
    }

    /// The day's hourly releases under a ledger key (a space, or `plan:<proposal>`).
    func visitsBody(_ space: String, day: String, start: Int64) async throws -> VisitsBody {
        let releases = try await services.store.releases(space: space, from: start, to: start + Self.daySeconds)
            .compactMap { try? JSONDecoder().decode(HourRelease.self, from: Data($0.json.utf8)) }
        let released = Set(releases.map(\.hourStart))
        let ended = hourStart(services.now())
        let missing = stride(from: start, to: min(start + Self.daySeconds, ended), by: 3600).filter {
            !released.contains($0)
        }
        let policy = services.config.releasePolicy
        return VisitsBody(
            space: space, date: day, timeZone: services.config.statsTimeZone.identifier,
            epsilonSpent: try await services.store.budgetSpent(space: space, day: day),
            dailyCap: policy.dailyCap, threshold: policy.threshold,
            hours: releases.map {
                HourView(
                    hourStart: Self.date($0.hourStart), visits: $0.visits, dwellMinutesMean: $0.dwellMinutesMean,
                    epsilon: $0.epsilon, scales: $0.scales, counted: CountedPart($0.counted))
            },
            notReleased: missing.map(Self.date))
    }

    /// The heatmap released for one hour of the day (`?hour=0…23`).
    @Sendable func heatmap(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let (space, _, start) = try dayQuery(request)
        guard let hourText = request.uri.queryParameters.get("hour"), let hour = Int(hourText),
            (0..<24).contains(hour)
        else { throw APIError.invalid("hour", "the hour of the day, 0 to 23") }
        let hourStart = start + Int64(hour) * 3600
        guard hourStart <= Realtime.hourStart(services.now()) else {
            throw APIError(.badRequest, "future_hour", "that hour has not begun; releases follow each hour")
        }
        guard
            let stored = try await services.store.releases(space: space, from: hourStart, to: hourStart + 1).first,
            let release = try? JSONDecoder().decode(HourRelease.self, from: Data(stored.json.utf8))
        else {
            throw APIError(.notFound, "not_released", "no release for that hour (budget spent, or no data was kept)")
        }
        return JSON.response(
            HeatmapBody(
                space: space, hourStart: Self.date(hourStart), epsilon: release.epsilon, grid: release.grid,
                cells: release.cells, heatThreshold: release.heatThreshold, scale: release.scales["heatmapCell"] ?? 0,
                counted: CountedPart(release.counted)))
    }

    /// The space, the day (yyyy-MM-dd in the stats time zone) and its first second, or a clear error.
    func dayQuery(_ request: Request) throws -> (String, String, Int64) {
        let q = request.uri.queryParameters
        guard let space = q.get("space"), services.world.space(id: space) != nil else {
            throw APIError(.notFound, "unknown_space", "give ?space= with the id of a space of this world")
        }
        let (day, start) = try dayOf(request)
        return (space, day, start)
    }

    /// The day asked for with `?date=` (today by default) and its first second.
    func dayOf(_ request: Request) throws -> (String, Int64) {
        let q = request.uri.queryParameters
        let tz = services.config.statsTimeZone
        let nowS = Int64(services.now().timeIntervalSince1970)
        let day = q.get("date") ?? Self.day(of: nowS, in: tz)
        guard let start = Self.dayStart(day, in: tz) else {
            throw APIError.invalid("date", "a day as yyyy-MM-dd")
        }
        guard start <= nowS else {
            throw APIError(.badRequest, "future_date", "that day has not begun yet")
        }
        return (day, start)
    }

    static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    /// The calendar day of `seconds` in `tz`, as yyyy-MM-dd.
    static func day(of seconds: Int64, in tz: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = tz
        let c = calendar.dateComponents([.year, .month, .day], from: date(seconds))
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    static func dayStart(_ text: String, in tz: TimeZone) -> Int64? {
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (2000...9999).contains(y), (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = tz
        let comps = DateComponents(year: y, month: m, day: d)
        guard comps.isValidDate(in: calendar), let date = calendar.date(from: comps) else { return nil }
        return Int64(date.timeIntervalSince1970)
    }
}
