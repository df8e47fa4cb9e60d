import Clocks
import Foundation
import NIOCore
import Privacy
import Synchronization
import Wire
import WorldModel

/// Process-wide entity ids: never reused while the server runs, so clients cannot confuse avatars.
enum EntityIds {
    static let next = Atomic<UInt32>(1)
    static func take() -> UInt32 { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// What one tick did, for metrics and benchmarks.
public struct TickStats: Sendable {
    public var avatars: Int = 0
    public var bytesSent: Int = 0
    public var framesDropped: Int = 0
    public var arrivals: Int = 0
    public var departures: Int = 0
}

/// One avatar in a space: authoritative state plus what its client was last sent.
struct Member {
    /// A visible avatar as its observer last received it.
    struct Seen {
        var id: UInt32
        /// Slot in this tick (valid only for the set being built).
        var slot: Int32
        var state: EntityState
    }

    let id: UInt32
    let link: ClientLink
    let nameUTF8: [UInt8]
    /// A visitor's home city (`flagVisitor`); empty otherwise.
    let homeUTF8: [UInt8]
    let appearance: Appearance
    let flags: UInt8
    /// The account (or guest connection) behind the avatar, which safety rules bind.
    let party: Int64
    var rules: PartyRules
    var boundary = BoundaryMode.nonFriends
    /// The plan layer the member walks in (`proposal@version`, docs/planning.md); empty: today's world.
    var layer = ""
    /// A digital human of a live crowd: no connection, no frames, no boundary, not in presence.
    var simulated = false
    /// Leading a tour; or following the guide with this entity id (0: not following).
    var guiding = false
    var following: UInt32 = 0
    var x: Float
    var y: Float
    var z: Float
    var heading: Float
    var animation: UInt8 = 0
    var targetX: Float
    var targetY: Float
    var targetZ: Float
    var budget: Float = 0
    var ackSeq: UInt32 = 0
    var clamped = false
    var pendingJoined = true
    var needsReset = true
    var wantsPresence = false
    /// Distance of the farthest avatar this client was sent last tick (infinity if it had fewer than `aoiMax`).
    var aoiCutoffM = Float.infinity
    var seen: [Seen] = []
    /// This hour's anonymous visitor key (see `countVisits`).
    var visitKey: UInt64 = 0
    var events = ByteBuffer()
    var eventsDropped = 0
}

/// A chat line waiting for delivery in this tick.
struct PendingChat {
    let fromId: UInt32
    let party: Int64
    let x: Float
    let y: Float
    let message: ByteBuffer
    let scope: ChatScope
}

/// The live state of one space, owned by exactly one tick thread.
///
/// `tick()` is one synchronous pass with no `await` and no allocation per message: admit
/// arrivals, drain inputs, move, rebuild the interest grid, deliver chat, then write one
/// combined frame per client.
public final class SpaceInstance {
    public let handle: SpaceHandle
    public let config: RealtimeConfig
    /// The wall clock for sanctions and visit hours.
    let clock: ServiceClock
    /// Sends people to the server that serves a space this one does not (a node of a cluster).
    let handoffs: (any Handoffs)?
    /// Where crowd alerts go to reach the space's moderators anywhere; nil: only those in the space.
    let alerts: CrowdAlertOutbox?
    let directory: SpaceDirectory
    let authority: MovementAuthority
    /// Movement authorities of the plan layers members walk in, built on first use from `handle.layers`.
    var layerAuthorities: [String: MovementAuthority] = [:]
    /// The spaces `layerAuthorities` were built from.
    var layerSpaces: [String: Space] = [:]
    let board: SafetyBoard
    var boardVersion: UInt64 = .max
    var evidence: EvidenceBuffer
    /// Visit counting for differentially private statistics (nil: not counted).
    let visitOutbox: VisitOutbox?
    var visits: VisitTally
    /// This hour's visits to each plan layer walked here, by proposal id (in memory only, like `visits`).
    var layerVisits: [String: VisitTally] = [:]
    var visitSalt = VisitSalt.random()
    var closeSeen: UInt64 = 0
    var crowds: [CrowdState] = []
    var guides: [GuideState] = []
    /// Personas of the signed-in entities the evidence window mentions (for a parcel, `parcel()`).
    var personaOf: [UInt32: Int64] = [:]
    /// From a parcel: placeholder ids of its people's evidence, by persona until they arrive, then
    /// the avatar each placeholder is (`aliased`).
    var pendingAliases: [Int64: UInt32] = [:]
    var evidenceAliases: [UInt32: UInt32] = [:]
    /// From a parcel: tours waiting for their people.
    var pendingTours: [PendingTour] = []
    /// A node of a cluster: spaces come and go with parcels (`SpaceParcel`).
    let expectsParcels: Bool
    /// Ids of the parcels taken in, so a parcel sent twice is taken once.
    var parcelsTaken: Set<String> = []
    /// The first hour closed after taking the space over, waiting for the old node's part of it.
    var heldHour: HeldHour?
    var heldFirstHour = false
    /// The one stand-in connection all digital humans of this space share (it never receives frames).
    let digitalHumanLink = ClientLink(
        walker: Walker(accountId: nil, personaId: nil, name: "digital human", appearance: .standard, party: 0),
        sink: .count)
    /// In ascending id order (new members get higher ids and removal keeps order), so sorting
    /// visible sets by slot sorts them by id.
    var members: [Member] = []
    var grid: AOIGrid
    var rng: SplitMix64
    public private(set) var tickNumber: UInt32 = 0
    var spawnCursor = 0
    /// The ground's height, the most an avatar's height may change in one tick (nil: it may not),
    /// and the heights the bounds allow; read once, so the per-avatar step touches no `Space`.
    let groundZ: Float
    let heightStepMaxM: Float?
    let heightRange: ClosedRange<Float>

    // Per-tick scratch, reused so the tick does not allocate per client.
    var chats: [PendingChat] = []
    var departing: [(slot: Int, reason: LeaveReason?)] = []
    var xs: [Float] = []
    var ys: [Float] = []
    var qstates: [EntityState] = []
    var ids: [UInt32] = []
    var stats = TickStats()
    var writers: [SnapshotWriter]
    let allocator = ByteBufferAllocator()

    public init(
        handle: SpaceHandle, directory: SpaceDirectory, config: RealtimeConfig, board: SafetyBoard = SafetyBoard(),
        visits: VisitOutbox? = nil, clock: ServiceClock = .system, handoffs: (any Handoffs)? = nil,
        alerts: CrowdAlertOutbox? = nil, expectsParcels: Bool = false
    ) {
        self.expectsParcels = expectsParcels
        self.clock = clock
        self.alerts = alerts
        self.handoffs = handoffs
        self.handle = handle
        self.directory = directory
        self.config = config
        self.board = board
        self.evidence = EvidenceBuffer(config: config)
        self.visitOutbox = visits
        // A space served from mid-hour on (a start, or a takeover from another node) counts only
        // part of that hour, and its release says so.
        let now = clock.now()
        self.visits = VisitTally(
            hourStart: hourStart(now), grid: Self.heatGrid(handle.space),
            countedFrom: Int64(now.timeIntervalSince1970))
        self.closeSeen = visits?.closeGeneration.load(ordering: .relaxed) ?? 0
        self.authority = MovementAuthority(space: handle.space, config: config)
        let b = handle.space.bounds
        self.groundZ = Float(handle.space.ground.z)
        self.heightStepMaxM = handle.space.ground.verticalSpeedMaxMps.map { Float($0) * config.tickDurationS }
        self.heightRange = Float(b.minZ)...Float(b.maxZ)
        self.grid = AOIGrid(
            minX: Float(b.minX), minY: Float(b.minY), width: Float(b.width), depth: Float(b.depth),
            preferredCellM: config.aoiRadiusM / 6)
        self.rng = SplitMix64(seed: config.seed)
        self.writers = (0..<max(1, config.tickWorkers)).map { _ in
            SnapshotWriter(spaceId: handle.id, quantizer: handle.quantizer, config: config)
        }
    }

    public var avatarCount: Int { members.count }

    // MARK: The tick

    /// Runs one tick and returns what it did.
    @discardableResult
    public func tick() -> TickStats {
        tickNumber &+= 1
        stats = TickStats()
        admitArrivals()
        absorbParcels()
        refreshRules()
        drainInputs()
        moveAll()
        publishSeen()
        countVisits()
        runCrowds()
        runGuides()
        // After moving: the grid's slots (from the last tick) stay valid until the removal.
        removeDeparted()
        rebuildGrid()
        deliverChats()
        deliverPresence()
        sendSnapshots()
        stats.avatars = members.count
        return stats
    }

    func admitArrivals() {
        let arrivals = handle.takeArrivals(max: config.arrivalsPerTickMax)
        for arrival in arrivals {
            let spawns = handle.space.spawns
            let spawn = spawns[spawnCursor % spawns.count]
            spawnCursor &+= 1
            // Spread arrivals over a disc that grows with the crowd (about one person per 2 m²), so a
            // join storm does not stack everyone on one spot.
            let perSpawn = Double(members.count) / Double(spawns.count)
            let radius = max(1.5, (2 * perSpawn / Double.pi).squareRoot())
            let p = authority.spawnPosition(near: spawn.position, radiusM: radius, rng: &rng) {
                !config.safety || isClearOfBoundaries($0)
            }
            let walker = arrival.link.walker
            // Everyone arrives on the ground, whatever height the spawn was drawn at.
            let ground = groundZ
            let member = Member(
                id: EntityIds.take(), link: arrival.link,
                nameUTF8: Array(walker.name.utf8.prefix(WireFormat.nameBytesMax)), homeUTF8: walker.homeUTF8,
                appearance: walker.appearance, flags: walker.entityFlags, party: walker.party,
                rules: config.safety ? board.rules(walker.party) : PartyRules(), x: Float(p.x), y: Float(p.y),
                z: Float(ground), heading: Float(spawn.heading), targetX: Float(p.x), targetY: Float(p.y),
                targetZ: Float(ground))
            members.append(member)
            countArrival(of: members.count - 1)
            remember(members.count - 1)
            board.register(LiveEntity(entityId: member.id, space: handle.id, link: arrival.link))
            stats.arrivals += 1
        }
    }

    /// Tells each signed-in member's link where the tick sees it, 1/tickHz of them per tick, so
    /// everyone once a second (for online mission checkpoints).
    func publishSeen() {
        let hz = Int(config.tickHz)
        var i = Int(tickNumber % UInt32(hz))
        while i < members.count {
            if !members[i].simulated && members[i].link.walker.personaId != nil {
                members[i].link.see(space: handle.id, x: members[i].x, y: members[i].y)
            }
            i += hz
        }
    }

    func drainInputs() {
        chats.removeAll(keepingCapacity: true)
        departing.removeAll(keepingCapacity: true)
        for i in members.indices where !members[i].simulated {
            let link = members[i].link
            if link.isClosed {
                departing.append((i, nil))
                continue
            }
            let inbox = link.drain()
            if let move = inbox.move {
                applyIntent(move, to: i)
            }
            if inbox.refused > 0 {
                appendEvent(
                    .error(code: .rateLimited, message: "too many commands in one tick; \(inbox.refused) refused"),
                    to: i)
            }
            var leaving: LeaveReason?
            for command in inbox.commands where leaving == nil {
                leaving = handle(command, from: i)
            }
            if let leaving { departing.append((i, leaving)) }
        }
    }

    func applyIntent(_ move: MoveIntent, to i: Int) {
        if members[i].following != 0 {
            // On a tour the server walks the avatar after the guide; the client is corrected.
            members[i].ackSeq = move.seq
            members[i].clamped = true
            return
        }
        members[i].targetX = move.x
        members[i].targetY = move.y
        members[i].targetZ = heightTarget(claimed: move.z, animation: move.animation)
        members[i].heading = move.heading
        members[i].animation = move.animation.rawValue
        members[i].ackSeq = move.seq
        // A claimed height the server does not grant is corrected like a claimed place.
        members[i].clamped = abs(move.z - members[i].targetZ) > Self.heightToleranceM
    }

    /// Heights a client may be off by before it is corrected (rounding, a frame of descent).
    static let heightToleranceM: Float = 0.05

    /// The height the server grants for a claimed one: the ground for walking and running and in
    /// spaces that keep everyone on it; elsewhere the claim within the bounds.
    func heightTarget(claimed: Float, animation: AnimationState) -> Float {
        guard heightStepMaxM != nil, animation != .walk, animation != .run else { return groundZ }
        return min(max(claimed, heightRange.lowerBound), heightRange.upperBound)
    }

    /// One tick of height: straight to the ground where nothing else is allowed, else towards the
    /// target by at most the space's vertical speed.
    func nextHeight(from z: Float, to target: Float) -> Float {
        guard let stepMax = heightStepMaxM else { return groundZ }
        return z + min(max(target - z, -stepMax), stepMax)
    }

    /// Removes departed members keeping the rest in order, so slot order stays id order.
    func removeDeparted() {
        if departing.isEmpty { return }
        departing.sort { $0.slot < $1.slot }
        var next = 0
        var kept = 0
        for slot in members.indices {
            if next < departing.count && departing[next].slot == slot {
                let reason = departing[next].reason
                next += 1
                // A teleported link already belongs to its destination; a closed one to nobody.
                if members[slot].simulated { continue }
                if reason != .teleported { members[slot].link.setSpace(nil) }
                // A removed avatar's connection goes back to choosing a space; one sent to another
                // server will reconnect there.
                if reason == .kicked || reason == .moved { members[slot].link.close() }
                board.unregister(members[slot].id)
                handle.release()
                stats.departures += 1
            } else {
                if kept != slot { members.swapAt(kept, slot) }
                kept += 1
            }
        }
        members.removeLast(members.count - kept)
    }

    func moveAll() {
        followGuides()
        // Arrivals and inserted avatars are not in the grid yet; the boundary needs everyone.
        if config.safety && grid.count != members.count { rebuildGrid(recordEvidence: false) }
        for i in members.indices {
            let authority = authority(for: i)
            members[i].budget = authority.refill(budget: members[i].budget, animation: members[i].animation)
            let from = Point(Double(members[i].x), Double(members[i].y))
            let to = Point(Double(members[i].targetX), Double(members[i].targetY))
            // `clamped` stays set until the next intent, so the client learns of the correction.
            if from != to {
                var result = authority.step(from: from, to: to, budget: members[i].budget)
                if config.safety && result.position != from {
                    let (kept, cut) = constrainToBoundaries(i, from: from, to: result.position)
                    if cut {
                        result.position = kept
                        result.clamped = true
                        if kept == from { result.spent = 0 }
                    }
                }
                members[i].x = Float(result.position.x)
                members[i].y = Float(result.position.y)
                members[i].budget -= result.spent
                members[i].clamped = members[i].clamped || result.clamped
                if result.clamped && result.spent == 0 {
                    // Stuck against a wall: forget the target so the client is corrected, not dragged.
                    members[i].targetX = members[i].x
                    members[i].targetY = members[i].y
                }
            }
            members[i].z = nextHeight(from: members[i].z, to: members[i].targetZ)
        }
    }

    func rebuildGrid(recordEvidence: Bool = true) {
        adaptCellSize()
        xs.removeAll(keepingCapacity: true)
        ys.removeAll(keepingCapacity: true)
        qstates.removeAll(keepingCapacity: true)
        ids.removeAll(keepingCapacity: true)
        let q = handle.quantizer
        // By index: `for m in members` would copy each member (and retain its arrays).
        for i in members.indices {
            ids.append(members[i].id)
            xs.append(members[i].x)
            ys.append(members[i].y)
            qstates.append(
                EntityState(
                    x: q.x(members[i].x), y: q.y(members[i].y), z: q.z(members[i].z),
                    heading: Quantizer.heading(members[i].heading), animation: members[i].animation))
        }
        grid.rebuild(x: xs, y: ys)
        if config.safety && recordEvidence { evidence.record(tick: tickNumber, ids: ids, xs: xs, ys: ys) }
        if expectsParcels && tickNumber % max(1, evidence.windowTicks) == 0 { prunePersonas() }
    }

    /// Sizes grid cells to the crowd: about a quarter of the typical distance to the `aoiMax`-th
    /// nearest, between 2 m and a third of the interest radius. A dense crowd gets small cells so a
    /// query scans few people; a sparse space gets big ones so it scans few cells.
    func adaptCellSize() {
        var sum: Float = 0
        var count = 0
        for i in stride(from: 0, to: members.count, by: max(1, members.count / 64)) where members[i].aoiCutoffM.isFinite
        {
            sum += members[i].aoiCutoffM
            count += 1
        }
        let wanted = count == 0 ? config.aoiRadiusM / 3 : min(max(2, sum / Float(count) / 4), config.aoiRadiusM / 3)
        guard abs(wanted - grid.cellM) > 0.3 * grid.cellM else { return }
        let b = handle.space.bounds
        grid = AOIGrid(
            minX: Float(b.minX), minY: Float(b.minY), width: Float(b.width), depth: Float(b.depth),
            preferredCellM: wanted)
    }
}

extension SpaceInstance {
    /// Places an avatar directly at `position`, skipping the arrival queue and spawn rules.
    /// For benchmarks and simulated digital humans; the place must be free of obstacles.
    public func insert(_ link: ClientLink, at position: Point, z: Float = 0) {
        precondition(handle.reserve(), "space \(handle.id) is full")
        link.setSpace(handle.id)
        let walker = link.walker
        let member = Member(
            id: EntityIds.take(), link: link, nameUTF8: Array(walker.name.utf8.prefix(WireFormat.nameBytesMax)),
            homeUTF8: walker.homeUTF8, appearance: walker.appearance, flags: walker.entityFlags, party: walker.party,
            rules: board.rules(walker.party), x: Float(position.x), y: Float(position.y), z: z, heading: 0,
            targetX: Float(position.x), targetY: Float(position.y), targetZ: z)
        members.append(member)
        countArrival(of: members.count - 1)
        remember(members.count - 1)
        board.register(LiveEntity(entityId: member.id, space: handle.id, link: link))
    }

    /// Notes the persona of the member at `i` (for a parcel) and gives it back its part of one.
    func remember(_ i: Int) {
        guard expectsParcels, let persona = members[i].link.walker.personaId else { return }
        personaOf[members[i].id] = persona
        if !pendingAliases.isEmpty || !pendingTours.isEmpty { welcomeBack(i) }
    }
}
