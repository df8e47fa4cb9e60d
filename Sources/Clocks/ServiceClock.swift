import Dispatch
import Foundation
import Synchronization

/// The time a service reads: the wall clock for what people see and what is stored, and a monotonic
/// clock for rate limits and deadlines. Passed in, never read from the system inside logic, so a test
/// sets the hour (or steps a rate limit) instead of racing the real clock.
public struct ServiceClock: Sendable {
    /// Now on the wall clock (UTC instant).
    public let now: @Sendable () -> Date
    /// Seconds on a clock that never steps back, for token buckets and timeouts.
    public let monotonicS: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Date, monotonicS: @escaping @Sendable () -> Double) {
        self.now = now
        self.monotonicS = monotonicS
    }

    /// The system's clocks.
    public static let system = ServiceClock(now: { Date() }, monotonicS: systemMonotonicSeconds)
}

/// Seconds since boot on the system's monotonic clock.
@Sendable public func systemMonotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

/// A clock a test moves by hand: both faces advance together.
public final class ManualClock: Sendable {
    private struct Reading {
        var wall: Date
        var monotonicS: Double
    }

    private let reading: Mutex<Reading>

    public init(at start: Date, monotonicS: Double = 1_000) {
        reading = Mutex(Reading(wall: start, monotonicS: monotonicS))
    }

    /// Moves time on by `seconds` (not backwards).
    public func advance(by seconds: Double) {
        precondition(seconds >= 0, "a clock does not run backwards")
        reading.withLock {
            $0.wall += seconds
            $0.monotonicS += seconds
        }
    }

    /// Sets the wall clock (a new hour, a new day); the monotonic clock moves on by the same amount
    /// when that is forwards, and stays when it is backwards (as an NTP step does).
    public func set(_ wall: Date) {
        reading.withLock {
            $0.monotonicS += max(0, wall.timeIntervalSince($0.wall))
            $0.wall = wall
        }
    }

    public var now: Date { reading.withLock { $0.wall } }

    /// The clock to hand to services.
    public var clock: ServiceClock {
        ServiceClock(
            now: { self.reading.withLock { $0.wall } }, monotonicS: { self.reading.withLock { $0.monotonicS } })
    }
}
