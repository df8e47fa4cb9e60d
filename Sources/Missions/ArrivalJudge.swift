import Foundation
import Geo

/// One position report from a phone on site (the browser's Geolocation API): where, how sure, when.
public struct Fix: Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double
    /// The radius (metres) the device is 68 % sure of.
    public var accuracyM: Double
    /// When the device took it, seconds since 1970.
    public var timeS: Double

    public init(latitude: Double, longitude: Double, accuracyM: Double, timeS: Double) {
        self.latitude = latitude
        self.longitude = longitude
        self.accuracyM = accuracyM
        self.timeS = timeS
    }
}

/// Why a fix was not taken: a stable code for clients and a message for the player.
public enum Refusal: String, Sendable, Hashable, CaseIterable {
    case invalid, inaccurate, clock
    case outOfOrder = "out_of_order"
    case frozen
    case tooFast = "too_fast"
    case tooMany = "too_many"

    public var message: String {
        switch self {
        case .invalid: "that is not a location on Earth"
        case .inaccurate: "location too inaccurate (needs 30 m or better)"
        case .clock: "the location's time is far from now; check the phone's clock"
        case .outOfOrder: "locations arrived out of order"
        case .frozen: "the location does not move like a real one"
        case .tooFast: "moved too fast"
        case .tooMany: "too many location updates; slow down"
        }
    }
}

/// The plausibility rules an on-site arrival must pass (docs/missions.md).
public struct ArrivalRules: Sendable, Hashable {
    /// Fixes less sure than this are refused.
    public var accuracyMaxM = 30.0
    /// Faster than this between two fixes (after both accuracies are allowed for) is refused: about
    /// a car in town. A train or plane is not how one reaches the next checkpoint of a walk.
    public var speedMaxMps = 25.0
    /// A fix may be this far ahead of the server's clock, or this far behind it.
    public var aheadMaxS = 5.0
    public var behindMaxS = 30.0
    /// Fixes a second, and more in a burst; more are refused.
    public var fixesPerS = 2.0
    public var fixesBurst = 5.0
    /// The same coordinates this many times in a row is not a phone in a hand.
    public var identicalMax = 3
    /// Arrival: this many fixes inside the radius, spanning at least this long.
    public var insideFixesMin = 3
    public var dwellS = 10.0

    public init() {}
}

/// Judges the fixes of one player towards one real checkpoint, as a synchronous state machine: each
/// fix in, a verdict out. It keeps only the last accepted fix and the start of the current dwell, in
/// memory, for as long as this checkpoint is being judged; nothing of it is written anywhere.
public struct ArrivalJudge: Sendable {
    public enum Verdict: Sendable, Hashable {
        /// The fix was not taken, for `reason` (the player sees its message).
        case refused(reason: Refusal)
        /// Still on the way: how far, and in which direction (degrees from north).
        case onTheWay(distanceM: Double, bearingDeg: Double)
        /// Inside; arrival is decided after `leftS` more seconds of fixes inside.
        case inside(leftS: Double)
        case arrived
    }

    public let latitude: Double
    public let longitude: Double
    public let radiusM: Double
    public let rules: ArrivalRules
    private var last: Fix?
    private var identical = 0
    private var insideSince: Double?
    private var insideFixes = 0
    private var tokens: Double
    private var tokensAtS: Double?
    public private(set) var hasArrived = false

    /// A judge for the checkpoint at `latitude`, `longitude`; `after` is the last fix the previous
    /// checkpoint's judge accepted, so a jump from one checkpoint to the next is judged too.
    public init(
        latitude: Double, longitude: Double, radiusM: Double, rules: ArrivalRules = ArrivalRules(), after: Fix? = nil
    ) {
        self.latitude = latitude
        self.longitude = longitude
        self.radiusM = radiusM
        self.rules = rules
        last = after
        tokens = rules.fixesBurst
    }

    /// The last fix taken (for the next checkpoint's judge), in memory only.
    public var lastFix: Fix? { last }

    /// Takes one fix received at the server's `nowS`. After arrival the checks go on: a fix inside
    /// answers `arrived` again, one outside `onTheWay`.
    public mutating func receive(_ fix: Fix, nowS: Double) -> Verdict {
        guard takeToken(nowS: nowS) else { return .refused(reason: .tooMany) }
        guard fix.latitude.isFinite, fix.longitude.isFinite, abs(fix.latitude) <= 90, abs(fix.longitude) <= 180,
            fix.timeS.isFinite
        else { return .refused(reason: .invalid) }
        guard fix.accuracyM.isFinite, fix.accuracyM > 0, fix.accuracyM <= rules.accuracyMaxM else {
            return .refused(reason: .inaccurate)
        }
        guard fix.timeS <= nowS + rules.aheadMaxS, fix.timeS >= nowS - rules.behindMaxS else {
            return .refused(reason: .clock)
        }
        guard let here = Geodesic.inverse(lat1: fix.latitude, lon1: fix.longitude, lat2: latitude, lon2: longitude)
        else { return .refused(reason: .invalid) }
        if let last {
            guard fix.timeS > last.timeS else { return .refused(reason: .outOfOrder) }
            if fix.latitude == last.latitude && fix.longitude == last.longitude {
                identical += 1
                guard identical < rules.identicalMax else {
                    restart(keepingLast: false)
                    return .refused(reason: .frozen)
                }
            } else {
                identical = 0
            }
            let moved =
                Geodesic.inverse(
                    lat1: last.latitude, lon1: last.longitude, lat2: fix.latitude, lon2: fix.longitude)?.distanceM ?? 0
            let speed = max(0, moved - last.accuracyM - fix.accuracyM) / (fix.timeS - last.timeS)
            guard speed <= rules.speedMaxMps else {
                // The fix before the jump stays: fixes at the new place are refused until the time
                // since then could have taken the player there.
                restart(keepingLast: true)
                return .refused(reason: .tooFast)
            }
        }
        last = fix
        guard here.distanceM <= radiusM else {
            insideSince = nil
            insideFixes = 0
            return .onTheWay(distanceM: here.distanceM, bearingDeg: here.bearingDeg)
        }
        // Once arrived, every plausible fix inside says so (a "meet here" counts who is still there).
        if hasArrived { return .arrived }
        if identical == 0 { insideFixes += 1 }
        let since = insideSince ?? fix.timeS
        insideSince = since
        let left = max(0, rules.dwellS - (fix.timeS - since))
        guard left == 0, insideFixes >= rules.insideFixesMin else { return .inside(leftS: left) }
        hasArrived = true
        return .arrived
    }

    /// After a refused jump the dwell starts again (from the last plausible fix); after a still spoof
    /// the whole track does.
    private mutating func restart(keepingLast: Bool) {
        if !keepingLast { last = nil }
        identical = 0
        insideSince = nil
        insideFixes = 0
    }

    private mutating func takeToken(nowS: Double) -> Bool {
        if let at = tokensAtS { tokens = min(rules.fixesBurst, tokens + (nowS - at) * rules.fixesPerS) }
        tokensAtS = nowS
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
