import Logging
import Storage
import Synchronization

/// What a node's real-time engine offers the cluster: serve a space under a lease, stop at once.
public protocol SpaceServing: Sendable {
    /// Serves the space (fresh) under the lease's fencing epoch.
    func serve(space: String, epoch: Int64)
    /// Stops serving the space now; the people in it are told it closed here.
    func stopServing(space: String)
    /// People in each space this node serves.
    func servedOccupancy() -> [String: Int]
}

/// Timing of a cluster member. Failover takes about `leaseS` + `periodS` after a node dies.
public struct ClusterSettings: Hashable, Sendable {
    /// How long a lease lasts without renewal (the database's clock).
    public var leaseS = 10.0
    /// Seconds between rounds (heartbeat, renewal, balancing).
    public var periodS = 1.0
    /// A node whose last heartbeat is older is not live (no share of spaces; its id may be taken).
    public var liveWithinS = 10.0
    /// Seconds between checks of the local lease deadlines (they fire even while the database hangs).
    public var expiryCheckS = 0.1

    public init() {}
}

/// One node's part in the cluster: registers, heartbeats, renews its leases, takes its share of
/// spaces and gives up the rest, and stops serving a space the moment its lease is in doubt.
public actor ClusterMember {
    public enum Health: String, Sendable {
        case ok
        /// The database has not answered for a while; spaces keep ticking until their leases' deadlines.
        case degraded
    }

    public nonisolated let registration: NodeRegistration
    public nonisolated let settings: ClusterSettings
    /// Where every space is, for redirects and the world listing (read from any thread).
    public nonisolated let directory: ClusterDirectory
    let coordination: any Coordination
    let serving: any SpaceServing
    let spaces: [String]
    let monotonicS: @Sendable () -> Double
    let logger: Logger
    var keeper: LeaseKeeper
    var incarnation: Incarnation?
    var draining = false
    var lastContactS: Double

    public init(
        registration: NodeRegistration, coordination: any Coordination, serving: any SpaceServing, spaces: [String],
        settings: ClusterSettings = ClusterSettings(), directory: ClusterDirectory? = nil,
        monotonicS: @escaping @Sendable () -> Double, logger: Logger = Logger(label: "bitgoeul.cluster")
    ) {
        self.registration = registration
        self.coordination = coordination
        self.serving = serving
        self.spaces = spaces
        self.settings = settings
        self.monotonicS = monotonicS
        self.logger = logger
        self.keeper = LeaseKeeper(leaseS: settings.leaseS)
        self.directory = directory ?? ClusterDirectory(me: registration.id)
        self.lastContactS = monotonicS()
    }

    /// Registers the node; throws `nodeIdInUse` when another live node has its id.
    public func join() async throws {
        incarnation = try await coordination.register(registration, liveWithinS: settings.liveWithinS)
        try await coordination.ensureLeases(spaces: spaces)
        lastContactS = monotonicS()
        logger.info("joined the cluster", metadata: ["node": "\(registration.id)", "url": "\(registration.url)"])
    }

    /// Rounds until cancelled, with the local deadlines checked in between.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.runRounds() }
            group.addTask { await self.runExpiry() }
            await group.waitForAll()
        }
    }

    private func runRounds() async {
        while !Task.isCancelled {
            await round()
            try? await Task.sleep(for: .seconds(settings.periodS))
        }
    }

    private func runExpiry() async {
        while !Task.isCancelled {
            checkDeadlines()
            try? await Task.sleep(for: .seconds(settings.expiryCheckS))
        }
    }

    /// Stops serving every space whose lease could not be renewed in time.
    public func checkDeadlines() {
        apply(keeper.expire(nowS: monotonicS()))
    }

    /// One round: heartbeat, renew, look at the cluster, release and acquire by the plan.
    public func round() async {
        guard let incarnation else { return }
        do {
            try await coordination.heartbeat(incarnation, draining: draining)
            let asked = keeper.epochs
            let sent = monotonicS()
            let renewed = try await coordination.renew(
                node: registration.id, epochs: asked, occupancy: serving.servedOccupancy(), leaseS: settings.leaseS)
            apply(keeper.renewed(renewed, asked: Set(asked.keys), sentAtS: sent))
            // Renewed in the database after the local deadline stopped it: give it back at once.
            for space in renewed where keeper.epochs[space] == nil {
                try await coordination.release(space: space, node: registration.id, epoch: asked[space] ?? 0)
            }
            lastContactS = monotonicS()
            let view = try await coordination.clusterView()
            let plan = LeasePlanner.plan(
                me: registration.id, draining: draining, nodes: view.nodes, leases: view.leases,
                liveWithinS: settings.liveWithinS)
            for space in plan.release {
                guard let epoch = keeper.epochs[space] else { continue }
                apply(keeper.released(space: space))
                try await coordination.release(space: space, node: registration.id, epoch: epoch)
                logger.info("released a space", metadata: ["space": "\(space)", "draining": "\(draining)"])
            }
            var acquired: [String: Int64] = [:]
            for space in plan.acquire {
                let sent = monotonicS()
                if let epoch = try await coordination.acquire(
                    space: space, node: registration.id, leaseS: settings.leaseS)
                {
                    apply(keeper.acquired(space: space, epoch: epoch, sentAtS: sent))
                    acquired[space] = epoch
                    logger.info("serving a space", metadata: ["space": "\(space)", "epoch": "\(epoch)"])
                }
            }
            directory.update(nodes: view.nodes, leases: view.leases, acquired: acquired, released: Set(plan.release))
        } catch let error as CoordinationError where error.code == .superseded {
            logger.critical("another process took this node's id; stopping every space")
            for space in keeper.spaces.sorted() { apply(keeper.released(space: space)) }
            self.incarnation = nil
        } catch {
            logger.warning("cluster round failed", metadata: ["reason": "\(error)"])
        }
    }

    /// `degraded` when the database has not answered for three rounds.
    public var health: Health {
        monotonicS() - lastContactS > 3 * settings.periodS + 1 ? .degraded : .ok
    }

    /// Spaces this node serves now.
    public var served: Set<String> { keeper.spaces }

    /// Gives every space up for others to take, waiting (at most `timeoutS`) until each has a new holder.
    public func drain(timeoutS: Double) async {
        draining = true
        let start = monotonicS()
        await round()
        while monotonicS() - start < timeoutS {
            if let view = try? await coordination.clusterView() {
                directory.update(nodes: view.nodes, leases: view.leases, acquired: [:], released: [])
                let waiting = view.leases.filter { !$0.isHeld && spaces.contains($0.space) }
                if waiting.isEmpty { break }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Stops serving everything and removes the registration (a clean stop).
    public func leave() async {
        for space in keeper.spaces.sorted() { apply(keeper.released(space: space)) }
        if let incarnation { try? await coordination.deregister(incarnation) }
        incarnation = nil
    }

    private func apply(_ actions: [LeaseKeeper.Action]) {
        for action in actions {
            switch action {
            case .serve(let space, let epoch): serving.serve(space: space, epoch: epoch)
            case .stop(let space):
                serving.stopServing(space: space)
                logger.info("stopped serving a space", metadata: ["space": "\(space)"])
            }
        }
    }
}

/// Where each space is served and who the nodes are, as last seen: read by HTTP handlers and the
/// tick without waiting for the database.
public final class ClusterDirectory: Sendable {
    public struct Placement: Hashable, Sendable {
        public var node: String
        public var url: String
        public var occupancy: Int
    }

    public let me: String
    private let state = Mutex<(placements: [String: Placement], nodes: [String: NodeRecord])>(([:], [:]))

    public init(me: String) { self.me = me }

    public func placement(of space: String) -> Placement? { state.withLock { $0.placements[space] } }
    public var placements: [String: Placement] { state.withLock { $0.placements } }
    public func node(_ id: String) -> NodeRecord? { state.withLock { $0.nodes[id] } }
    /// The nodes registered as of the last round, by id.
    public var nodeIds: [String] { state.withLock { $0.nodes.keys.sorted() } }

    func update(nodes: [NodeRecord], leases: [LeaseRecord], acquired: [String: Int64], released: Set<String>) {
        let byId = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0) })
        var placements: [String: Placement] = [:]
        for lease in leases where lease.isHeld && !released.contains(lease.space) {
            guard let id = lease.node, let node = byId[id] else { continue }
            placements[lease.space] = Placement(node: id, url: node.url, occupancy: lease.occupancy)
        }
        for space in acquired.keys {
            placements[space] = Placement(node: me, url: byId[me]?.url ?? "", occupancy: 0)
        }
        state.withLock { $0 = (placements, byId) }
    }
}
