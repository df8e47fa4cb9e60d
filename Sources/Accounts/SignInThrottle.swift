import Synchronization

/// How sign-in failures slow further attempts (see `SignInThrottle`).
public struct SignInPolicy: Sendable {
    /// Failures allowed before back-off starts.
    public var accountFailuresFree = 5
    public var addressFailuresFree = 20
    /// The first wait; each further failure doubles it, up to `delayMaxS`.
    public var delayBaseS = 1.0
    public var delayMaxS = 900.0
    /// A key's count is forgotten this long after its last failure.
    public var forgetAfterS = 3600.0
    /// Password checks one address may have running at once.
    public var inFlightPerAddressMax = 4
    /// Accounts and addresses remembered at once; the stalest are dropped past it.
    public var entriesMax = 100_000

    public init() {}
}

/// Failed sign-ins counted per account and per client address, with exponential back-off.
///
/// A synchronous state machine with time passed in: `begin` says whether an attempt may go on
/// to the (expensive) password check, `end` records how it went. An attack on one account slows
/// that account; an attack from one address slows that address; everyone else signs in as
/// usual. Counts live in memory only and are forgotten `forgetAfterS` after the last failure.
public struct SignInThrottle<Address: Hashable & Sendable>: Sendable {
    public struct Record: Sendable {
        var failures = 0
        var lastFailureS = 0.0
        var waitUntilS = 0.0
    }

    public enum Verdict: Equatable, Sendable {
        case proceed
        /// Refused without checking: wait this long. `account` tells which limit refused.
        case wait(seconds: Double, account: Bool)
    }

    public let policy: SignInPolicy
    public private(set) var accounts: [String: Record] = [:]
    public private(set) var addresses: [Address: Record] = [:]
    public private(set) var inFlight: [Address: Int] = [:]

    public init(policy: SignInPolicy = SignInPolicy()) {
        self.policy = policy
    }

    /// Whether an attempt on `account` from `address` may be checked now; when it may, it is
    /// counted as running until `end`.
    public mutating func begin(account: String, address: Address, nowS: Double) -> Verdict {
        if let r = addresses[address], r.waitUntilS > nowS {
            return .wait(seconds: r.waitUntilS - nowS, account: false)
        }
        if let r = accounts[account], r.waitUntilS > nowS {
            return .wait(seconds: r.waitUntilS - nowS, account: true)
        }
        let running = inFlight[address, default: 0]
        guard running < policy.inFlightPerAddressMax else { return .wait(seconds: 1, account: false) }
        inFlight[address] = running + 1
        return .proceed
    }

    /// Records the outcome of an attempt `begin` let through (nil: the check did not run).
    public mutating func end(account: String, address: Address, succeeded: Bool?, nowS: Double) {
        let running = inFlight[address, default: 1] - 1
        inFlight[address] = running > 0 ? running : nil
        guard let succeeded else { return }
        if succeeded {
            // The owner got in: the account starts afresh. The address does not (a shared
            // network's attacker must not be cleared by a neighbour's sign-in).
            accounts[account] = nil
            return
        }
        accounts[account] = failed(accounts[account], free: policy.accountFailuresFree, nowS: nowS)
        addresses[address] = failed(addresses[address], free: policy.addressFailuresFree, nowS: nowS)
        if accounts.count > policy.entriesMax { accounts = pruned(accounts, nowS: nowS) }
        if addresses.count > policy.entriesMax { addresses = pruned(addresses, nowS: nowS) }
    }

    private func failed(_ record: Record?, free: Int, nowS: Double) -> Record {
        var r = record ?? Record()
        if nowS - r.lastFailureS > policy.forgetAfterS { r = Record() }
        r.failures += 1
        r.lastFailureS = nowS
        let over = r.failures - free
        if over > 0 {
            let delay = min(policy.delayBaseS * Double(1 << min(over - 1, 30)), policy.delayMaxS)
            r.waitUntilS = nowS + delay
        }
        return r
    }

    /// Drops forgotten keys, then, if still too many, the half whose last failure is oldest.
    private func pruned<Key>(_ table: [Key: Record], nowS: Double) -> [Key: Record] {
        let fresh = table.filter { nowS - $0.value.lastFailureS <= policy.forgetAfterS }
        guard fresh.count > policy.entriesMax / 2 else { return fresh }
        let kept = fresh.sorted { $0.value.lastFailureS > $1.value.lastFailureS }.prefix(policy.entriesMax / 2)
        return Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
    }
}

/// The server's one `SignInThrottle`, behind a lock, on a clock that tests can set.
public final class SignInGuard<Address: Hashable & Sendable>: Sendable {
    private let throttle: Mutex<SignInThrottle<Address>>
    private let clock: @Sendable () -> Double

    public init(policy: SignInPolicy = .init(), clock: @escaping @Sendable () -> Double) {
        throttle = Mutex(SignInThrottle(policy: policy))
        self.clock = clock
    }

    public func begin(account: String, address: Address) -> SignInThrottle<Address>.Verdict {
        let now = clock()
        return throttle.withLock { $0.begin(account: account, address: address, nowS: now) }
    }

    public func end(account: String, address: Address, succeeded: Bool?) {
        let now = clock()
        throttle.withLock { $0.end(account: account, address: address, succeeded: succeeded, nowS: now) }
    }
}
