import Foundation
import Synchronization

/// The missions of a city and the plays in progress, shared by the request handlers: the mission
/// book (shipped, then saved by curators), the `MissionDesk` and today's `CompletionTally`, each
/// behind its own lock and only in memory.
public final class MissionHall: Sendable {
    private let book: Mutex<[String: Mission]>
    private let desk: Mutex<MissionDesk>
    private let days: Mutex<Days>
    /// The city's time zone: days of the statistics and the local times of scheduled checkpoints.
    public let timeZone: TimeZone

    struct Days {
        var today: CompletionTally
        /// Days that ended, waiting for their release.
        var closed: [CompletionTally] = []
    }

    public init(missions: [Mission], timeZone: TimeZone, now: Date, desk: MissionDesk = MissionDesk()) {
        self.timeZone = timeZone
        book = Mutex(Dictionary(missions.map { ($0.id, $0) }, uniquingKeysWith: { $1 }))
        self.desk = Mutex(desk)
        days = Mutex(Days(today: Self.tally(at: now, timeZone: timeZone)))
    }

    // MARK: The book

    public func all(space: String? = nil) -> [Mission] {
        book.withLock { Array($0.values) }.filter { space == nil || $0.spaces.contains(space!) }.sorted {
            $0.id < $1.id
        }
    }

    public func mission(_ id: String) -> Mission? { book.withLock { $0[id] } }

    /// Puts a checked mission in the book (a curator's save, or one saved on another node).
    public func put(_ mission: Mission) { book.withLock { $0[mission.id] = mission } }

    public var count: Int { book.withLock { $0.count } }

    /// The reward accessories (by name) of the missions all of whose checkpoints are in `stamps`
    /// (mission → checkpoints stamped).
    public func rewards(earnedBy stamps: [String: Set<String>]) -> Set<String> {
        let missions = book.withLock { Array($0.values) }
        var earned: Set<String> = []
        for m in missions {
            guard let reward = m.reward, let have = stamps[m.id] else { continue }
            if m.checkpoints.allSatisfy({ have.contains($0.id) }) { earned.insert(reward.accessory) }
        }
        return earned
    }

    // MARK: Playing

    /// Runs `body` on the desk under its lock (synchronous: no waiting inside).
    public func withDesk<T, E: Error>(_ body: (inout MissionDesk) throws(E) -> T) throws(E) -> T {
        try desk.withLock { (d: inout MissionDesk) throws(E) -> T in try body(&d) }
    }

    // MARK: Statistics

    /// Counts a stamp earned now by `account` for the day's release.
    public func earned(account: Int64, mission: String, checkpoint: String, now: Date) {
        days.withLock { d in
            roll(&d, now: now)
            d.today.earned(account: account, mission: mission, checkpoint: checkpoint)
        }
    }

    /// The tallies of days that have ended by `now`, handed over once for their release.
    public func endedDays(now: Date) -> [CompletionTally] {
        days.withLock { d in
            roll(&d, now: now)
            defer { d.closed.removeAll() }
            return d.closed
        }
    }

    private func roll(_ d: inout Days, now: Date) {
        let current = Self.day(of: now, timeZone: timeZone)
        guard current.day != d.today.day else { return }
        // At most a week of ended days waits; older ones are dropped, never stored raw.
        d.closed.append(d.today)
        if d.closed.count > 7 { d.closed.removeFirst(d.closed.count - 7) }
        d.today = CompletionTally(day: current.day, dayStart: current.start)
    }

    static func tally(at now: Date, timeZone: TimeZone) -> CompletionTally {
        let d = day(of: now, timeZone: timeZone)
        return CompletionTally(day: d.day, dayStart: d.start)
    }

    /// The day `date` falls in, as `yyyy-MM-dd` in `timeZone`, and its start (seconds since 1970).
    public static func day(of date: Date, timeZone: TimeZone) -> (day: String, start: Int64) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        let start = calendar.startOfDay(for: date)
        let text = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        return (text, Int64(start.timeIntervalSince1970))
    }
}
