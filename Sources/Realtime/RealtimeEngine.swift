import Clocks
import Foundation
import Logging
import Metrics
import NIOCore
import Synchronization
import Wire
import WorldModel

/// Runs every space's tick at a fixed rate on dedicated threads, off Swift's two cooperative threads.
///
/// Each space belongs to exactly one tick thread for its whole life (single owner, no locks on its
/// state). Ticks are scheduled against deadlines; a tick that overruns makes the next start at once
/// and is counted, never queued up.
public final class RealtimeEngine: Sendable {
    public let directory: SpaceDirectory
    public let config: RealtimeConfig
    /// Blocks, mutes, friends and sanctions of everyone connected, shared by all spaces.
    public let safety = SafetyBoard()
    /// Closed hours of visit counts, for the differentially private statistics.
    public let visits = VisitOutbox()
    /// Crowd alerts of every space served here, for the server to deliver (`CrowdAlertService`).
    public let crowdAlerts = CrowdAlertOutbox()
    /// The in-memory state of spaces this node stopped serving, for the node serving them next
    /// (a node of a cluster only; `ParcelCourier` in the server sends them).
    public let parcels = ParcelOutbox()
    private let packsParcels: Bool
    private let threadCount: Int
    private let stopFlag = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)
    private let logger: Logger
    /// The wall clock every space reads for sanctions and visit hours.
    public let clock: ServiceClock

    /// Sends people to the server that serves a space this node does not.
    let handoffs: (any Handoffs)?

    /// With `servesAllSpaces` false (a node of a cluster), a space ticks only after `serve(space:epoch:)`;
    /// `handoffs` sends people to the node that serves the others.
    public init(
        world: World, config: RealtimeConfig, threads: Int = 1, logger: Logger, clock: ServiceClock = .system,
        servesAllSpaces: Bool = true, handoffs: (any Handoffs)? = nil
    ) {
        self.handoffs = handoffs
        self.packsParcels = !servesAllSpaces
        precondition(threads >= 1)
        self.directory = SpaceDirectory(world: world, served: servesAllSpaces)
        self.config = config
        self.threadCount = min(threads, max(1, directory.ordered.count))
        self.logger = logger
        self.clock = clock
    }

    /// Starts the tick threads.
    public func start() {
        let handles = directory.ordered
        for t in 0..<threadCount {
            let mine = stride(from: t, to: handles.count, by: threadCount).map { handles[$0] }
            running.add(1, ordering: .relaxed)
            let thread = Thread { [self] in
                self.runLoop(handles: mine)
                self.running.subtract(1, ordering: .relaxed)
            }
            thread.name = "bitgoeul-tick-\(t)"
            thread.start()
        }
        logger.info("realtime started", metadata: ["spaces": "\(handles.count)", "threads": "\(threadCount)"])
    }

    /// Stops the tick threads and waits (bounded) for them to finish.
    public func stop() async {
        stopFlag.store(true, ordering: .releasing)
        for _ in 0..<200 where running.load(ordering: .relaxed) > 0 {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func runLoop(handles: [SpaceHandle]) {
        // The instances are created on, and never leave, this thread.
        var spaces = handles.map(makeInstance)
        var epochs = handles.map(\.servingEpoch)
        let metrics = spaces.map { TickMetrics(space: $0.handle.id) }
        let periodNs = UInt64(1_000_000_000 / config.tickHz)
        var deadline = DispatchTime.now().uptimeNanoseconds
        while !stopFlag.load(ordering: .acquiring) {
            for i in spaces.indices {
                let epoch = handles[i].servingEpoch
                if epoch != epochs[i] {
                    // Served under a new lease, or no longer here: whoever was in it leaves, and the
                    // space starts again empty. What it held in memory goes to the next holder.
                    if packsParcels && epochs[i] != 0 && epoch == 0 { parcels.send(spaces[i].parcel()) }
                    spaces[i].closeAll(reason: .moved)
                    spaces[i].dropArrivals(reason: .moved)
                    spaces[i] = makeInstance(handles[i])
                    epochs[i] = epoch
                }
                if epoch == 0 {
                    spaces[i].dropArrivals(reason: .moved)
                    // A parcel for a space that is not (or no longer) served here has nowhere to go
                    // (one accepted just now, as the space was being served, waits for its tick).
                    if !handles[i].isServed { _ = handles[i].takeParcels() }
                    continue
                }
                let start = DispatchTime.now().uptimeNanoseconds
                let stats = spaces[i].tick()
                metrics[i].record(stats, durationNs: DispatchTime.now().uptimeNanoseconds - start)
            }
            deadline += periodNs
            let now = DispatchTime.now().uptimeNanoseconds
            if now < deadline {
                var request = timespec(
                    tv_sec: Int((deadline - now) / 1_000_000_000), tv_nsec: Int((deadline - now) % 1_000_000_000))
                nanosleep(&request, nil)
            } else {
                // Behind schedule: start the next tick now, and do not try to catch up with a burst.
                for metric in metrics { metric.overruns.increment() }
                deadline = now
            }
        }
        for space in spaces { space.closeAll() }
    }

    private func makeInstance(_ handle: SpaceHandle) -> SpaceInstance {
        SpaceInstance(
            handle: handle, directory: directory, config: config, board: safety, visits: visits, clock: clock,
            handoffs: handoffs, alerts: crowdAlerts, expectsParcels: packsParcels)
    }

    /// Serves `space` from the next tick under the lease's `epoch` (a node of a cluster).
    public func serve(space: String, epoch: Int64) {
        directory[space]?.setServingEpoch(epoch)
    }

    /// Stops serving `space` at the next tick: everyone in it is told it closed here.
    public func stopServing(space: String) {
        directory[space]?.setServingEpoch(0)
    }

    /// People in (or entering) each space this node serves.
    public func servedOccupancy() -> [String: Int] {
        var occupancy: [String: Int] = [:]
        for handle in directory.ordered where handle.isServed { occupancy[handle.id] = handle.occupancy }
        return occupancy
    }
}

/// The metrics one space's tick reports (Prometheus names via swift-metrics).
struct TickMetrics {
    let duration: Metrics.Timer
    let bytes: Counter
    let dropped: Counter
    let avatars: Gauge
    let overruns: Counter

    init(space: String) {
        let dims = [("space", space)]
        duration = Metrics.Timer(label: "bitgoeul_tick_duration_seconds", dimensions: dims)
        bytes = Counter(label: "bitgoeul_bytes_sent_total", dimensions: dims)
        dropped = Counter(label: "bitgoeul_frames_dropped_total", dimensions: dims)
        avatars = Gauge(label: "bitgoeul_avatars", dimensions: dims)
        overruns = Counter(label: "bitgoeul_tick_overruns_total", dimensions: dims)
    }

    func record(_ stats: TickStats, durationNs: UInt64) {
        duration.recordNanoseconds(Int64(durationNs))
        if stats.bytesSent > 0 { bytes.increment(by: stats.bytesSent) }
        if stats.framesDropped > 0 { dropped.increment(by: stats.framesDropped) }
        avatars.record(stats.avatars)
    }
}

extension SpaceInstance {
    /// Links admitted but not yet in: closed, their places given back.
    func dropArrivals(reason: LeaveReason) {
        for arrival in handle.takeArrivals(max: .max) {
            var frame = allocator.buffer(capacity: 8)
            Wire.ServerMessage.left(reason: reason).encode(into: &frame)
            _ = arrival.link.deliver(frame)
            arrival.link.close()
            handle.release()
        }
    }

    /// Tells every client the space is closing (`spaceClosed` at shutdown, `moved` when it goes to
    /// another node of the cluster: the client joins again and is sent there).
    func closeAll(reason: LeaveReason = .spaceClosed) {
        for member in members {
            if member.simulated { continue }
            var frame = allocator.buffer(capacity: 8)
            Wire.ServerMessage.left(reason: reason).encode(into: &frame)
            _ = member.link.deliver(frame)
            member.link.setSpace(nil)
            member.link.close()
            board.unregister(member.id)
            handle.release()
        }
        members.removeAll()
    }
}
