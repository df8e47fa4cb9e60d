import Cluster
import Storage
import Testing

/// The local side of a lease: deadlines that fall before the database's expiry, and loss.
@Suite struct LeaseKeeperTests {
    @Test func theLocalDeadlineCountsFromTheRequestAndFallsBeforeTheLeaseEnds() {
        var keeper = LeaseKeeper(leaseS: 10, marginS: 1)
        #expect(keeper.acquired(space: "g/acc", epoch: 3, sentAtS: 100) == [.serve(space: "g/acc", epoch: 3)])
        // The database set its expiry when the request arrived (≥ 100 s here) + 10 s; the node
        // stops at 100 + 10 − 1 = 109 s, whatever the request's delay.
        #expect(keeper.expire(nowS: 108.9) == [])
        #expect(keeper.nextDeadlineS(nowS: 108) == 1)
        #expect(keeper.expire(nowS: 109) == [.stop(space: "g/acc")])
        #expect(keeper.epochs.isEmpty)
    }

    @Test func aRenewalExtendsWhatItRenewedAndLosesTheRest() {
        var keeper = LeaseKeeper(leaseS: 10, marginS: 1)
        _ = keeper.acquired(space: "a", epoch: 1, sentAtS: 0)
        _ = keeper.acquired(space: "b", epoch: 7, sentAtS: 0)
        #expect(keeper.renewed(["a"], asked: ["a", "b"], sentAtS: 5) == [.stop(space: "b")])
        #expect(keeper.epochs == ["a": 1])
        #expect(keeper.expire(nowS: 13.9) == [], "renewed at 5 s: serves until 14 s")
        #expect(keeper.expire(nowS: 14) == [.stop(space: "a")])
    }

    @Test func aSpaceAcquiredDuringARenewalIsNotLostByIt() {
        var keeper = LeaseKeeper(leaseS: 10, marginS: 1)
        _ = keeper.acquired(space: "a", epoch: 1, sentAtS: 0)
        // The renewal asked only for "a"; "b" arrived meanwhile and is not judged by it.
        _ = keeper.acquired(space: "b", epoch: 2, sentAtS: 1)
        #expect(keeper.renewed(["a"], asked: ["a"], sentAtS: 0.5) == [])
        #expect(keeper.spaces == ["a", "b"])
        #expect(keeper.released(space: "b") == [.stop(space: "b")])
        #expect(keeper.released(space: "b") == [], "released once")
    }
}

/// Sharing spaces across nodes in proportion to capacity.
@Suite struct LeasePlannerTests {
    func node(_ id: String, capacity: Int = 1000, age: Double = 0, draining: Bool = false) -> NodeRecord {
        NodeRecord(
            id: id, url: "http://\(id)", capacity: capacity, ticketKey: [], heartbeatAgeS: age, draining: draining)
    }

    func lease(_ space: String, _ node: String? = nil, occupancy: Int = 0) -> LeaseRecord {
        LeaseRecord(space: space, node: node, epoch: 1, occupancy: occupancy, expiresInS: node == nil ? -1 : 5)
    }

    @Test func aNodeTakesFreeSpacesUpToItsShare() {
        let leases = (0..<7).map { lease("s\($0)") }
        let nodes = [node("a"), node("b"), node("c")]
        let plan = LeasePlanner.plan(me: "a", draining: false, nodes: nodes, leases: leases, liveWithinS: 10)
        #expect(plan.acquire.count == 3, "⌈7/3⌉")
        #expect(plan.release.isEmpty)
        let other = LeasePlanner.plan(me: "b", draining: false, nodes: nodes, leases: leases, liveWithinS: 10)
        #expect(other.acquire != plan.acquire, "nodes prefer different spaces")
    }

    @Test func sharesFollowCapacityAndIgnoreDeadAndDrainingNodes() {
        let leases = (0..<6).map { lease("s\($0)") }
        let nodes = [
            node("big", capacity: 2000), node("small", capacity: 1000), node("dead", age: 60),
            node("leaving", draining: true),
        ]
        #expect(
            LeasePlanner.plan(me: "big", draining: false, nodes: nodes, leases: leases, liveWithinS: 10).acquire.count
                == 4)
        #expect(
            LeasePlanner.plan(me: "small", draining: false, nodes: nodes, leases: leases, liveWithinS: 10).acquire
                .count == 2)
    }

    @Test func anOverloadedNodeGivesUpItsEmptiestSpaceOnlyWhenAnotherNeedsOne() {
        let leases = [
            lease("s0", "a", occupancy: 5), lease("s1", "a", occupancy: 0), lease("s2", "a", occupancy: 9),
            lease("s3", "a", occupancy: 1),
        ]
        let alone = LeasePlanner.plan(me: "a", draining: false, nodes: [node("a")], leases: leases, liveWithinS: 10)
        #expect(alone == LeasePlan(), "alone, it keeps everything")
        let joined = LeasePlanner.plan(
            me: "a", draining: false, nodes: [node("a"), node("b")], leases: leases, liveWithinS: 10)
        #expect(joined == LeasePlan(release: ["s1"]), "one space per round, the emptiest")
        let balanced = leases.prefix(3) + [lease("s3", "b")]
        #expect(
            LeasePlanner.plan(
                me: "a", draining: false, nodes: [node("a"), node("b")], leases: Array(balanced), liveWithinS: 10)
                == LeasePlan(release: ["s1"]), "3 against 1 still moves one")
        let even = leases.prefix(2) + [lease("s2", "b"), lease("s3", "b")]
        #expect(
            LeasePlanner.plan(
                me: "a", draining: false, nodes: [node("a"), node("b")], leases: Array(even), liveWithinS: 10)
                == LeasePlan(), "2 against 2 stays")
        let taker = LeasePlanner.plan(
            me: "a", draining: false, nodes: [node("a"), node("b")],
            leases: [lease("s0", "a"), lease("s1", "a"), lease("s2", "b"), lease("s3")], liveWithinS: 10)
        #expect(taker == LeasePlan(), "a free space is for the least loaded node (b)")
    }

    @Test func aDrainingNodeTakesNothingAndGivesUpEverything() {
        let leases = [lease("s0", "a"), lease("s1", "a"), lease("s2")]
        let plan = LeasePlanner.plan(me: "a", draining: true, nodes: [node("a")], leases: leases, liveWithinS: 10)
        #expect(plan == LeasePlan(release: ["s0", "s1"]))
    }
}
