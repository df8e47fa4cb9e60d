import Foundation
import Synchronization

/// Hides the moment one persona becomes another: when an account enters as persona B soon after
/// its persona A left, the entry waits a random few seconds, so onlookers cannot pair the leave
/// with the arrival and learn that A and B are one person.
public final class PersonaSwitchGuard: Sendable {
    /// Accounts remembered at once; past it the table is cleared (a missed delay, never a leak of data).
    public static let accountsMax = 100_000
    private let lastLeft = Mutex<[Int64: (persona: Int64, atS: Double)]>([:])
    public let windowS: Double
    public let delayS: ClosedRange<Double>

    private let monotonicS: @Sendable () -> Double

    /// Told when a persona leaves here, so the other nodes of a cluster know it too.
    let onLeft: (@Sendable (_ account: Int64, _ persona: Int64) -> Void)?

    public init(
        windowS: Double, delayS: ClosedRange<Double>, monotonicS: @escaping @Sendable () -> Double,
        onLeft: (@Sendable (_ account: Int64, _ persona: Int64) -> Void)? = nil
    ) {
        self.onLeft = onLeft
        self.monotonicS = monotonicS
        self.windowS = windowS
        self.delayS = delayS
    }

    /// Notes that `persona` of `account` left its space now.
    public func left(account: Int64, persona: Int64) {
        leftElsewhere(account: account, persona: persona)
        onLeft?(account, persona)
    }

    /// Notes that `persona` of `account` left its space on another node just now.
    public func leftElsewhere(account: Int64, persona: Int64) {
        let now = monotonicS()
        lastLeft.withLock { table in
            if table.count >= Self.accountsMax { table.removeAll(keepingCapacity: true) }
            table[account] = (persona, now)
        }
    }

    /// Seconds to hold `persona`'s entry, or nil when no other persona of the account left recently.
    public func delay(account: Int64, persona: Int64) -> Double? {
        let now = monotonicS()
        guard let last = lastLeft.withLock({ $0[account] }), last.persona != persona, now - last.atS < windowS,
            delayS.upperBound > 0
        else { return nil }
        return Double.random(in: delayS)
    }
}
