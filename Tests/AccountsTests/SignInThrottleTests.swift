import Accounts
import Testing

/// Sign-in back-off per account and per address, with time passed in.
@Suite struct SignInThrottleTests {
    let here = "198.51.100.7"
    let there = "203.0.113.9"

    @Test func anAccountPastItsFreeFailuresWaitsTwiceAsLongEachTime() {
        var policy = SignInPolicy()
        policy.accountFailuresFree = 3
        var t = SignInThrottle<String>(policy: policy)
        var now = 1000.0
        for _ in 0..<3 {
            #expect(t.begin(account: "victim", address: here, nowS: now) == .proceed)
            t.end(account: "victim", address: here, succeeded: false, nowS: now)
        }
        #expect(t.begin(account: "victim", address: here, nowS: now) == .proceed, "three failures are free")
        t.end(account: "victim", address: here, succeeded: false, nowS: now)
        #expect(t.begin(account: "victim", address: there, nowS: now) == .wait(seconds: 1, account: true))
        now += 1
        for expected in [2.0, 4, 8, 16] {
            #expect(t.begin(account: "victim", address: here, nowS: now) == .proceed)
            t.end(account: "victim", address: here, succeeded: false, nowS: now)
            #expect(t.begin(account: "victim", address: there, nowS: now) == .wait(seconds: expected, account: true))
            now += expected
        }
        #expect(t.begin(account: "bystander", address: here, nowS: now) == .proceed, "other accounts are untouched")
        t.end(account: "bystander", address: here, succeeded: true, nowS: now)
    }

    @Test func theWaitIsCappedAndForgottenAfterAQuietHour() {
        var policy = SignInPolicy()
        policy.accountFailuresFree = 0
        policy.addressFailuresFree = 1000
        var t = SignInThrottle<String>(policy: policy)
        var now = 0.0
        for _ in 0..<40 {
            _ = t.begin(account: "v", address: here, nowS: now)
            t.end(account: "v", address: here, succeeded: false, nowS: now)
            now += 10_000
        }
        // Each failure came more than an hour after the last: the count restarted every time.
        #expect(t.begin(account: "v", address: here, nowS: now - 10_000) == .wait(seconds: 1, account: true))
        for _ in 0..<40 {
            t.end(account: "v", address: here, succeeded: false, nowS: now)
        }
        #expect(t.begin(account: "v", address: here, nowS: now) == .wait(seconds: policy.delayMaxS, account: true))
    }

    @Test func anAddressIsSlowedAcrossAccountsAndItsOwnerSignsInElsewhere() {
        var policy = SignInPolicy()
        policy.addressFailuresFree = 5
        var t = SignInThrottle<String>(policy: policy)
        for i in 0..<6 {
            #expect(t.begin(account: "guess\(i)", address: here, nowS: 0) == .proceed)
            t.end(account: "guess\(i)", address: here, succeeded: false, nowS: 0)
        }
        #expect(t.begin(account: "someone", address: here, nowS: 0.5) == .wait(seconds: 0.5, account: false))
        #expect(t.begin(account: "someone", address: there, nowS: 0.5) == .proceed)
        t.end(account: "someone", address: there, succeeded: true, nowS: 0.5)
        #expect(t.begin(account: "someone", address: here, nowS: 1) == .proceed, "the wait is over")
    }

    @Test func anAddressRunsFewChecksAtOnceAndASuccessClearsOnlyTheAccount() {
        var policy = SignInPolicy()
        policy.inFlightPerAddressMax = 2
        policy.accountFailuresFree = 0
        var t = SignInThrottle<String>(policy: policy)
        #expect(t.begin(account: "a", address: here, nowS: 0) == .proceed)
        #expect(t.begin(account: "b", address: here, nowS: 0) == .proceed)
        #expect(t.begin(account: "c", address: here, nowS: 0) == .wait(seconds: 1, account: false))
        t.end(account: "a", address: here, succeeded: nil, nowS: 0)
        #expect(t.inFlight[here] == 1, "a check that did not run is no failure, but it ends")
        #expect(t.accounts["a"] == nil)
        t.end(account: "b", address: here, succeeded: true, nowS: 0)
        #expect(t.inFlight[here] == nil && t.accounts.isEmpty)
    }

    @Test func theTablesStayWithinTheirBound() {
        var policy = SignInPolicy()
        policy.entriesMax = 100
        var t = SignInThrottle<String>(policy: policy)
        for i in 0..<1000 {
            let address = "10.0.\(i / 256).\(i % 256)"
            _ = t.begin(account: "user\(i)", address: address, nowS: Double(i))
            t.end(account: "user\(i)", address: address, succeeded: false, nowS: Double(i))
        }
        #expect(t.accounts.count <= 100 && t.addresses.count <= 100)
        #expect(t.accounts["user999"] != nil, "the newest are kept")
    }
}
