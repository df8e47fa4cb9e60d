import Foundation
import Solar

/// When a mission, or a scheduled checkpoint, can be played.
public enum Availability: Hashable, Sendable {
    case open
    /// Its window opens at this instant.
    case notYet(opens: Date)
    /// Its window has closed.
    case ended
    /// A daylight-only mission while the sun is down at the checkpoint.
    case night

    /// The code clients show (`closed` in docs/missions.md), nil when open.
    public var closedCode: String? {
        switch self {
        case .open: nil
        case .notYet: "not_yet"
        case .ended: "ended"
        case .night: "night"
        }
    }
}

extension Mission {
    /// Whether the mission can be played at `now`, judged at `checkpoint`'s real place for
    /// daylight (the first checkpoint when nil).
    public func availability(at now: Date, checkpoint: Checkpoint? = nil) -> Availability {
        if let window {
            if now < window.opens { return .notYet(opens: window.opens) }
            if now >= window.closes { return .ended }
        }
        if isDaylightOnly, let place = (checkpoint ?? checkpoints.first)?.place {
            let site = SolarPosition.Site(latitude: place.latitude, longitude: place.longitude)
            // Above the horizon as people see it (SPA's apparent elevation, refraction included).
            guard let sun = try? SolarPosition.compute(at: now, site: site), sun.elevation > 0 else { return .night }
        }
        return .open
    }
}

/// A daily opening at a local time of day, for scheduled checkpoints.
public enum Schedule {
    /// Minutes since midnight of "HH:MM", or nil.
    public static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
            (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        return h * 60 + m
    }

    /// The opening that holds `now`, or else the next one: from `opens` for `minutes`.
    public static func occurrence(at time: String, minutes: Int, now: Date, timeZone: TimeZone) -> (
        opens: Date, closes: Date, isOpen: Bool
    ) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let minute = minuteOfDay(time) ?? 0
        let today = calendar.startOfDay(for: now)
        // Yesterday's opening may still run past midnight; then today's, then tomorrow's.
        for dayOffset in -1...1 {
            guard let day = calendar.date(byAdding: .day, value: dayOffset, to: today),
                let opens = calendar.date(byAdding: .minute, value: minute, to: day)
            else { continue }
            let closes = opens.addingTimeInterval(Double(minutes) * 60)
            if now < closes { return (opens, closes, now >= opens) }
        }
        let opens = today.addingTimeInterval(86_400 + Double(minute) * 60)
        return (opens, opens.addingTimeInterval(Double(minutes) * 60), false)
    }
}
