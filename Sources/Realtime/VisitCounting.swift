import Clocks
import Foundation
import Privacy
import Synchronization
import WorldModel

/// An hour of visits to one space, closed and handed over for a noisy release.
public struct ClosedHour: Sendable {
    public let space: String
    public let tally: VisitTally
}

/// Where spaces hand their closed hours; the server reads `hours` and publishes releases.
///
/// The raw tallies live only in memory, in this stream, until the release is made.
public final class VisitOutbox: Sendable {
    public let hours: AsyncStream<ClosedHour>
    private let sink: AsyncStream<ClosedHour>.Continuation
    /// Bumped to ask every space to close its hour now (tests, and the server's hourly timer is the clock).
    let closeGeneration = Atomic<UInt64>(0)

    public init() {
        // At most a day of hours for 1,000 spaces waits; past that the oldest are dropped (never stored).
        (hours, sink) = AsyncStream.makeStream(of: ClosedHour.self, bufferingPolicy: .bufferingOldest(24_000))
    }

    func send(_ hour: ClosedHour) { sink.yield(hour) }

    /// Asks every space to close its current hour at its next second.
    public func closeAllNow() { closeGeneration.add(1, ordering: .relaxed) }

    public func finish() { sink.finish() }
}

/// The hour that `date` lies in, as seconds since 1970.
public func hourStart(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 / 3600).rounded(.down)) * 3600
}

extension SpaceInstance {
    /// Counts presence without identities: each tick samples 1/tickHz of the members, so everyone
    /// is seen once a second; once a second it checks whether the hour (or a close request) ended.
    func countVisits() {
        guard let outbox = visitOutbox else { return }
        let hz = Int(config.tickHz)
        let phase = Int(tickNumber % UInt32(hz))
        var i = phase
        while i < members.count {
            if !members[i].simulated {
                visits.observe(
                    visitor: members[i].visitKey, x: Double(members[i].x), y: Double(members[i].y), seconds: 1)
                if !members[i].layer.isEmpty { observeInLayer(i) }
            }
            i += hz
        }
        guard phase == 0 else { return }
        if heldHour != nil { releaseHeldHour() }
        let generation = outbox.closeGeneration.load(ordering: .relaxed)
        let now = clock.now()
        let hour = hourStart(now)
        if hour != visits.hourStart || generation != closeSeen {
            closeSeen = generation
            var closed = visits
            // Closed by the hour's end (counted to its end) or early, on request (counted to now).
            closed.countedUntil = hour != visits.hourStart ? visits.hourStart + 3600 : Int64(now.timeIntervalSince1970)
            holdOrRelease(closed)
            releaseLayerHours(countedUntil: closed.countedUntil)
            startVisitHour(hour, from: Int64(now.timeIntervalSince1970))
        }
    }

    /// Counts the member at `index` (just arrived) as this hour's visitor.
    func countArrival(of index: Int) {
        guard visitOutbox != nil else { return }
        members[index].visitKey = visitKey(for: members[index].link.walker, entity: members[index].id)
        visits.arrive(visitor: members[index].visitKey)
    }

    /// Starts a new tally with a new salt, counting from `from`; everyone present counts as a
    /// visitor of the new hour.
    func startVisitHour(_ hour: Int64, from: Int64) {
        visitSalt = VisitSalt.random()
        visits = VisitTally(hourStart: hour, grid: visits.grid, countedFrom: from)
        for i in members.indices where !members[i].simulated {
            members[i].visitKey = visitKey(for: members[i].link.walker, entity: members[i].id)
            visits.arrive(visitor: members[i].visitKey)
        }
    }

    /// Counts a second of member `i` in its plan layer, under the proposal's id (not the version):
    /// visits to a plan and time spent in it, released like a space's (docs/planning.md).
    func observeInLayer(_ i: Int) {
        let proposal = String(members[i].layer.prefix { $0 != "@" })
        let fresh = VisitTally(hourStart: visits.hourStart, grid: visits.grid, countedFrom: visits.countedFrom)
        // In place: no copy of the hour's visitors per second.
        layerVisits[proposal, default: fresh].arrive(visitor: members[i].visitKey)
        layerVisits[proposal, default: fresh].observe(
            visitor: members[i].visitKey, x: Double(members[i].x), y: Double(members[i].y), seconds: 1)
    }

    /// Hands every plan layer of the space its hour, also the empty ones: whether a release exists
    /// must not tell whether someone walked the plan.
    func releaseLayerHours(countedUntil: Int64) {
        guard let outbox = visitOutbox else { return }
        let proposals = Set(handle.layers.withLock { Array($0.keys) }.map { String($0.prefix { $0 != "@" }) })
        for proposal in proposals.sorted() {
            var tally =
                layerVisits[proposal]
                ?? VisitTally(hourStart: visits.hourStart, grid: visits.grid, countedFrom: visits.countedFrom)
            tally.countedUntil = countedUntil
            outbox.send(ClosedHour(space: "plan:\(proposal)", tally: tally))
        }
        layerVisits = [:]
    }

    /// The persona (or, for a guest, the avatar) under this hour's salt (`VisitSalt.key`).
    func visitKey(for walker: Walker, entity: UInt32) -> UInt64 {
        visitSalt.key(for: walker.personaId ?? -Int64(entity))
    }

    static func heatGrid(_ space: Space) -> HeatGrid {
        let b = space.bounds
        return HeatGrid(minX: b.minX, minY: b.minY, width: b.width, depth: b.depth)
    }
}
