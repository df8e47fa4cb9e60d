import Clocks
import Foundation
import Privacy
import Synchronization
import Wire

/// What a space hands to the node that serves it next when it moves on purpose (a drain, a
/// rebalance): the state people rely on that lives only in memory — the evidence window for
/// reports, the hour's visit tally, running tours and crowds of digital humans.
///
/// It goes from memory to memory (`ParcelCourier` in the server) and is never written to disk;
/// after a crash there is none, and the hour's release says it is partial. People are named in
/// it by persona id, so each one's part is theirs again when they arrive on the new node.
public struct SpaceParcel: Codable, Sendable {
    public var v = 1
    /// Unique; the receiving space takes a parcel in once, however often it is sent.
    public var id = UUID().uuidString
    public var space: String
    /// When the old node stopped serving the space (seconds since 1970, its clock).
    public var stoppedAt: Double
    var evidence: EvidenceParcel
    var visits: VisitTally.Checkpoint
    var visitSalt: VisitSalt
    var tours: [TourParcel]
    public var guides: [GuideParcel]
    public var crowds: [CrowdParcel]

    /// An NPC docent on its way: its mind's state (`GuideMind.checkpoint`) and where its body is.
    public struct GuideParcel: Codable, Sendable {
        public var state: Data
        var x: Float
        var y: Float
        var followers: [Int64]
    }

    /// The most a crowd's state may be; a larger one (a huge density grid) stays behind rather than
    /// make the whole parcel too large to move.
    public static let crowdBytesMax = 16 * 1024 * 1024

    /// A crowd of digital humans: its id and state (`LiveCrowd.checkpoint`).
    public struct CrowdParcel: Codable, Sendable {
        public var id: String
        public var state: Data
    }

    /// A tour led by a person: who leads and who follows, by persona.
    struct TourParcel: Codable, Sendable {
        var guide: Int64
        var followers: [Int64]
    }
}

/// The evidence window in transit: ticks as "so many ticks before the stop", positions packed.
struct EvidenceParcel: Codable, Sendable {
    struct Frame: Codable, Sendable {
        var agoTicks: UInt32
        /// (id u32, x f32, y f32) little-endian per entity, ids ascending.
        var packed: Data
    }

    struct Chat: Codable, Sendable {
        var agoTicks: UInt32
        var fromId: UInt32
        var name: String
        var scope: UInt8
        var text: String
        var x: Float
        var y: Float
    }

    var tickHz: Double
    var frames: [Frame]
    var chats: [Chat]
    /// Entity id on the old node → persona, for those signed in.
    var personas: [UInt32: Int64]

    static func pack(_ frame: PositionFrame) -> Data {
        var data = Data(capacity: frame.ids.count * 12)
        for k in frame.ids.indices {
            withUnsafeBytes(of: frame.ids[k].littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: frame.xs[k].bitPattern.littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: frame.ys[k].bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// The entities of a packed frame; nil when it is not whole records.
    static func unpack(_ data: Data) -> (ids: [UInt32], xs: [Float], ys: [Float])? {
        guard data.count % 12 == 0 else { return nil }
        let bytes = [UInt8](data)
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        var ids: [UInt32] = []
        var xs: [Float] = []
        var ys: [Float] = []
        for at in stride(from: 0, to: bytes.count, by: 12) {
            ids.append(word(at))
            xs.append(Float(bitPattern: word(at + 4)))
            ys.append(Float(bitPattern: word(at + 8)))
        }
        return (ids, xs, ys)
    }
}

/// A parcel that reached this node, with what the server made alive again from it: the minds of
/// its NPC docents (in the order of `parcel.guides`, nil for one it could not revive) and its crowds.
public struct ArrivingParcel: Sendable {
    public let parcel: SpaceParcel
    public let guides: [(any GuideMind)?]
    public let crowds: [any LiveCrowd]

    public init(parcel: SpaceParcel, guides: [(any GuideMind)?], crowds: [any LiveCrowd]) {
        self.parcel = parcel
        self.guides = guides
        self.crowds = crowds
    }
}

/// Parcels of spaces this node stopped serving, for the server to send on (`takeAll`).
public final class ParcelOutbox: Sendable {
    /// Parcels waiting at most (one per space; a node serves far fewer).
    public static let waitingMax = 1024
    private let waiting = Mutex<[SpaceParcel]>([])

    public init() {}

    func send(_ parcel: SpaceParcel) {
        waiting.withLock {
            if $0.count >= Self.waitingMax { $0.removeFirst() }
            $0.append(parcel)
        }
    }

    public var isEmpty: Bool { waiting.withLock { $0.isEmpty } }

    public func takeAll() -> [SpaceParcel] {
        waiting.withLock { parcels in
            defer { parcels.removeAll() }
            return parcels
        }
    }
}

extension SpaceHandle {
    /// Parcels waiting for this space's tick at most; a later one replaces the oldest.
    static let arrivingMax = 4

    /// Hands a parcel to this space's tick, which takes it in on its next tick while it serves;
    /// false when `arrivingMax` are already waiting.
    public func deliver(_ parcel: ArrivingParcel) -> Bool {
        arrivingParcels.withLock {
            guard $0.count < Self.arrivingMax else { return false }
            $0.append(parcel)
            return true
        }
    }

    func takeParcels() -> [ArrivingParcel] {
        arrivingParcels.withLock { parcels in
            if parcels.isEmpty { return [] }
            defer { parcels.removeAll() }
            return parcels
        }
    }
}

extension SpaceInstance {
    /// This space's in-memory state, to move with it to the next node (taken on its tick thread).
    /// What came with an earlier parcel and is still waiting for its people goes on with it.
    func parcel() -> SpaceParcel {
        let window = evidence.window(now: tickNumber)
        let (frames, chats) = aliased(window.frames, window.chats)
        var known = personaOf
        for (persona, placeholder) in pendingAliases { known[placeholder] = persona }
        var mentioned = Set<UInt32>()
        for frame in frames { mentioned.formUnion(frame.ids) }
        for chat in chats { mentioned.insert(chat.fromId) }
        var personas: [UInt32: Int64] = [:]
        for id in mentioned { if let persona = known[id] { personas[id] = persona } }
        let evidenceParcel = EvidenceParcel(
            tickHz: Double(config.tickHz),
            frames: frames.map { .init(agoTicks: tickNumber &- $0.tick, packed: EvidenceParcel.pack($0)) },
            chats: chats.map {
                .init(
                    agoTicks: tickNumber &- $0.tick, fromId: $0.fromId, name: $0.name, scope: $0.scope.rawValue,
                    text: $0.text, x: $0.x, y: $0.y)
            },
            personas: personas)
        var tours: [SpaceParcel.TourParcel] = []
        for guide in members where guide.guiding && !guide.simulated {
            guard let persona = personaOf[guide.id] else { continue }
            tours.append(.init(guide: persona, followers: followers(of: guide.id)))
        }
        for tour in pendingTours where tour.guideEntity == nil {
            guard let persona = tour.guidePersona else { continue }
            tours.append(.init(guide: persona, followers: tour.followers.sorted()))
        }
        var guideParcels: [SpaceParcel.GuideParcel] = []
        for guide in guides {
            guard let state = guide.mind.checkpoint(), let body = members.first(where: { $0.id == guide.entity })
            else { continue }
            guideParcels.append(.init(state: state, x: body.x, y: body.y, followers: followers(of: guide.entity)))
        }
        return SpaceParcel(
            space: handle.id, stoppedAt: clock.now().timeIntervalSince1970, evidence: evidenceParcel,
            visits: visits.checkpoint, visitSalt: visitSalt, tours: tours, guides: guideParcels,
            crowds: crowds.compactMap { state in
                guard let data = state.crowd.checkpoint(), data.count <= SpaceParcel.crowdBytesMax else { return nil }
                return .init(id: state.crowd.id, state: data)
            })
    }

    /// Personas following the guide with entity id `guide`, and those still on their way back to it.
    func followers(of guide: UInt32) -> [Int64] {
        let here = members.filter { $0.following == guide }.compactMap { personaOf[$0.id] }
        let coming = pendingTours.filter { $0.guideEntity == guide }.flatMap(\.followers)
        return Array(Set(here + coming)).sorted()
    }
}
