import Synchronization
import Wire
import WorldModel

/// The thread-safe face of one space: its definition, its head count and its arrival queue.
///
/// Everything else about the space lives in its `SpaceInstance`, touched only by its tick thread.
public final class SpaceHandle: Sendable {
    /// An avatar waiting to enter.
    struct Arrival: Sendable {
        let link: ClientLink
    }

    public let space: Space
    public let quantizer: Quantizer
    private let occupancyCount = Atomic<Int>(0)
    /// The fencing epoch under which this node serves the space; 0 while it does not (another node
    /// of the cluster holds it, or nobody yet). A single node serves every space under epoch 1.
    private let servingEpochValue: Atomic<Int64>
    private let arrivals = Mutex<[Arrival]>([])
    let crowdControls = Mutex<[CrowdControl]>([])
    let crowdsRunning = Mutex<[String]>([])
    let guideStarts = Mutex<[GuideStart]>([])
    let arrivingParcels = Mutex<[ArrivingParcel]>([])
    /// The space as each plan layer has it (`proposal@version` → the space with the plan's obstacles).
    let layers = Mutex<[String: Space]>([:])

    public init(space: Space, servingEpoch: Int64 = 1) {
        self.space = space
        self.servingEpochValue = Atomic(servingEpoch)
        let b = space.bounds
        self.quantizer = Quantizer(
            minX: b.minX, minY: b.minY, minZ: b.minZ, extentM: max(b.width, b.depth, b.height))
    }

    public var id: String { space.id }

    /// Avatars in the space plus those admitted and about to enter.
    public var occupancy: Int { occupancyCount.load(ordering: .relaxed) }

    /// The epoch this node serves the space under, or 0.
    public var servingEpoch: Int64 { servingEpochValue.load(ordering: .acquiring) }
    public var isServed: Bool { servingEpoch != 0 }

    /// Serves the space from the next tick under `epoch` (fresh, as if just opened), or with 0
    /// stops: the next tick tells everyone in it the space closed here.
    public func setServingEpoch(_ epoch: Int64) {
        servingEpochValue.store(epoch, ordering: .releasing)
    }

    /// Reserves a place and queues the link to enter on the next tick; false when the space is full
    /// or not served here.
    public func admit(_ link: ClientLink) -> Bool {
        guard isServed, reserve() else { return false }
        enqueue(link)
        return true
    }

    /// Queues a link whose place `reserve()` already secured.
    func enqueue(_ link: ClientLink) {
        link.setSpace(space.id)
        arrivals.withLock { $0.append(Arrival(link: link)) }
    }

    func reserve() -> Bool {
        var current = occupancyCount.load(ordering: .relaxed)
        while current < space.capacity {
            let (exchanged, original) = occupancyCount.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func release() {
        occupancyCount.subtract(1, ordering: .relaxed)
    }

    /// Takes up to `max` waiting arrivals, oldest first.
    func takeArrivals(max: Int) -> [Arrival] {
        arrivals.withLock { queue in
            if queue.isEmpty { return [] }
            let count = min(max, queue.count)
            let taken = Array(queue.prefix(count))
            queue.removeFirst(count)
            return taken
        }
    }
}

/// All spaces of the server by id: how a tick finds the destination of a teleport.
public struct SpaceDirectory: Sendable {
    public let handles: [String: SpaceHandle]
    public let ordered: [SpaceHandle]

    /// With `served` false, no space is served until the cluster gives this node its lease.
    public init(world: World, served: Bool = true) {
        ordered = world.spaces.map { SpaceHandle(space: $0, servingEpoch: served ? 1 : 0) }
        handles = Dictionary(uniqueKeysWithValues: ordered.map { ($0.id, $0) })
    }

    public init(spaces: [Space]) {
        ordered = spaces.map { SpaceHandle(space: $0) }
        handles = Dictionary(uniqueKeysWithValues: ordered.map { ($0.id, $0) })
    }

    public subscript(id: String) -> SpaceHandle? { handles[id] }
}

extension SpaceHandle {
    /// The key of a plan layer.
    public static func layerKey(proposal: String, version: Int) -> String { "\(proposal)@\(version)" }

    /// Makes a plan layer available to members of the space: walls as `space` (the plan's) has them.
    public func installLayer(proposal: String, version: Int, space: Space) {
        layers.withLock { $0[Self.layerKey(proposal: proposal, version: version)] = space }
    }
}
