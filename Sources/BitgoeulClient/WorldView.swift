import Wire
import WorldModel

/// A client's picture of its space, built by applying `joined` and snapshots in order.
public struct WorldView: Sendable {
    /// Another avatar as last received, positions in metres.
    public struct Entity: Sendable, Hashable {
        public var id: UInt32
        public var name: String
        public var appearance: Appearance
        public var flags: UInt8
        public var x: Float
        public var y: Float
        public var z: Float
        public var heading: Float
        public var animation: UInt8
        /// A visitor's home city (`EntityEnter.flagVisitor`); empty for this city's people.
        public var home = ""
    }

    public private(set) var space: String?
    public private(set) var selfId: UInt32?
    public private(set) var selfX: Float = 0
    public private(set) var selfY: Float = 0
    public private(set) var selfZ: Float = 0
    public private(set) var ackSeq: UInt32 = 0
    public private(set) var lastTick: UInt32 = 0
    public private(set) var corrected = false
    public private(set) var entities: [UInt32: Entity] = [:]
    /// Ids that left view, most recent last (bounded), so tests can see departures.
    public private(set) var departed: [UInt32] = []
    public private(set) var quantizer: Quantizer?
    public private(set) var snapshots = 0

    public init() {}

    /// Applies one server message; returns false for messages this view does not track.
    @discardableResult
    public mutating func apply(_ message: ServerMessage) -> Bool {
        switch message {
        case .joined(let info):
            space = info.space
            selfId = info.entityId
            quantizer = info.quantizer
            selfX = info.x
            selfY = info.y
            selfZ = info.z
            entities.removeAll()
            return true
        case .left:
            space = nil
            selfId = nil
            entities.removeAll()
            return true
        case .snapshot(let s):
            guard let q = quantizer else { return false }
            snapshots += 1
            if s.flags & Snapshot.flagReset != 0 { entities.removeAll() }
            lastTick = s.tick
            ackSeq = s.ackSeq
            selfX = s.selfX
            selfY = s.selfY
            selfZ = s.selfZ
            corrected = s.flags & Snapshot.flagCorrected != 0
            for id in s.leaves {
                entities[id] = nil
                departed.append(id)
            }
            if departed.count > 1024 { departed.removeFirst(departed.count - 1024) }
            for e in s.enters {
                let p = q.position(x: e.x, y: e.y, z: e.z)
                entities[e.id] = Entity(
                    id: e.id, name: e.name, appearance: e.appearance, flags: e.flags, x: p.x, y: p.y, z: p.z,
                    heading: Quantizer.radians(e.heading), animation: e.animation, home: e.home)
            }
            for u in s.updates {
                guard var entity = entities[u.id] else { continue }
                if u.mask & EntityUpdate.maskPosition != 0 {
                    let p = q.position(x: u.x, y: u.y, z: u.z)
                    entity.x = p.x
                    entity.y = p.y
                    entity.z = p.z
                }
                if u.mask & EntityUpdate.maskHeading != 0 { entity.heading = Quantizer.radians(u.heading) }
                if u.mask & EntityUpdate.maskAnimation != 0 { entity.animation = u.animation }
                entities[u.id] = entity
            }
            return true
        default:
            return false
        }
    }

    /// The visible avatar with this persona name, if any.
    public func entity(named name: String) -> Entity? {
        entities.values.first { $0.name == name }
    }
}
