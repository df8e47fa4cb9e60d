import NIOCore
import WorldModel

/// What the client learns when it enters a space: its entity, the space and the quantisation.
public struct JoinedInfo: Hashable, Sendable {
    public var space: String
    public var entityId: UInt32
    public var quantizer: Quantizer
    public var x: Float
    public var y: Float
    public var z: Float
    public var heading: Float
    /// Interest radius (metres) and most avatars per snapshot.
    public var aoiRadiusM: Float
    public var aoiMax: UInt16

    public init(
        space: String, entityId: UInt32, quantizer: Quantizer, x: Float, y: Float, z: Float, heading: Float,
        aoiRadiusM: Float, aoiMax: UInt16
    ) {
        self.space = space
        self.entityId = entityId
        self.quantizer = quantizer
        self.x = x
        self.y = y
        self.z = z
        self.heading = heading
        self.aoiRadiusM = aoiRadiusM
        self.aoiMax = aoiMax
    }
}

/// An avatar coming into view: full state, look and name.
public struct EntityEnter: Hashable, Sendable {
    public static let flagGuest: UInt8 = 1
    public static let flagSimulated: UInt8 = 2
    /// A visitor from another city: `home` names it (docs/federation.md).
    public static let flagVisitor: UInt8 = 4

    public var id: UInt32
    public var flags: UInt8
    public var x: UInt16
    public var y: UInt16
    public var z: UInt16
    public var heading: UInt16
    public var animation: UInt8
    public var appearance: Appearance
    public var name: String
    /// The visitor's home city's name; on the wire only with `flagVisitor`.
    public var home: String

    public init(
        id: UInt32, flags: UInt8, x: UInt16, y: UInt16, z: UInt16, heading: UInt16, animation: UInt8,
        appearance: Appearance, name: String, home: String = ""
    ) {
        self.home = home
        self.id = id
        self.flags = flags
        self.x = x
        self.y = y
        self.z = z
        self.heading = heading
        self.animation = animation
        self.appearance = appearance
        self.name = name
    }
}

/// The fields of a visible avatar that changed; `mask` says which are present.
public struct EntityUpdate: Hashable, Sendable {
    public static let maskPosition: UInt8 = 1
    public static let maskHeading: UInt8 = 2
    public static let maskAnimation: UInt8 = 4

    public var id: UInt32
    public var mask: UInt8
    public var x: UInt16
    public var y: UInt16
    public var z: UInt16
    public var heading: UInt16
    public var animation: UInt8

    public init(
        id: UInt32, mask: UInt8, x: UInt16 = 0, y: UInt16 = 0, z: UInt16 = 0, heading: UInt16 = 0, animation: UInt8 = 0
    ) {
        self.id = id
        self.mask = mask
        self.x = x
        self.y = y
        self.z = z
        self.heading = heading
        self.animation = animation
    }
}

/// One tick's view for one client: its own corrected state and what changed around it.
public struct Snapshot: Hashable, Sendable {
    public static let flagReset: UInt8 = 1
    /// Bit 1: the server did not follow the last intent all the way (wall, bounds or speed limit).
    public static let flagCorrected: UInt8 = 2

    public var tick: UInt32
    /// The last movement `seq` the server applied.
    public var ackSeq: UInt32
    /// Bit 0 (`flagReset`): forget every entity you know, this snapshot lists all of them as enters.
    /// Bit 1 (`flagCorrected`): your intent was clamped; take the self position as truth.
    public var flags: UInt8
    public var selfX: Float
    public var selfY: Float
    public var selfZ: Float
    public var selfHeading: Float
    public var leaves: [UInt32]
    public var enters: [EntityEnter]
    public var updates: [EntityUpdate]

    public init(
        tick: UInt32, ackSeq: UInt32, flags: UInt8, selfX: Float, selfY: Float, selfZ: Float, selfHeading: Float,
        leaves: [UInt32] = [], enters: [EntityEnter] = [], updates: [EntityUpdate] = []
    ) {
        self.tick = tick
        self.ackSeq = ackSeq
        self.flags = flags
        self.selfX = selfX
        self.selfY = selfY
        self.selfZ = selfZ
        self.selfHeading = selfHeading
        self.leaves = leaves
        self.enters = enters
        self.updates = updates
    }
}

/// A chat line as delivered: who said it, to which scope, and the text.
public struct ChatEvent: Hashable, Sendable {
    public var fromEntity: UInt32
    public var scope: ChatScope
    public var name: String
    public var text: String

    public init(fromEntity: UInt32, scope: ChatScope, name: String, text: String) {
        self.fromEntity = fromEntity
        self.scope = scope
        self.name = name
        self.text = text
    }
}

/// One persona present in a space.
public struct PresenceEntry: Hashable, Sendable {
    public var entityId: UInt32
    public var name: String
    public var flags: UInt8

    public init(entityId: UInt32, name: String, flags: UInt8) {
        self.entityId = entityId
        self.name = name
        self.flags = flags
    }
}

/// Everything the server can say to a client.
public enum ServerMessage: Hashable, Sendable {
    case welcome(version: UInt16, tickHz: UInt8, guest: Bool)
    case joined(JoinedInfo)
    case snapshot(Snapshot)
    case chat(ChatEvent)
    /// Who is in the space: the total and up to `presenceEntriesMax` entries.
    case presence(total: UInt16, entries: [PresenceEntry])
    case error(code: ErrorCode, message: String)
    case pong(clientTimeMs: Double, serverTimeMs: Double)
    case left(reason: LeaveReason)
    /// Something the person should know: a moderator's message, a report outcome, a friend request.
    case notice(kind: NoticeKind, entityId: UInt32, text: String)
    /// The space is served by another server: connect to `url` and send `handoff` with `ticket`.
    case redirect(url: String, ticket: String, space: String)
    /// The avatar stepped into a portal to a space of another city (docs/federation.md): travel to
    /// `space` in the city whose server id is `city`, with a ticket from the traveller's home server
    /// (this one, or for a visitor the one `visiting` named).
    case travel(city: String, space: String)
    /// Sent after `welcome` to a visitor: the home city's server id, its name, and its base URL, where
    /// the traveller goes home (and where a `defederated` close sends them).
    case visiting(home: String, homeName: String, homeUrl: String)
    /// The avatar now walks in this plan layer (docs/planning.md); an empty id is today's world.
    case layer(proposal: String, version: UInt16)

    public static let presenceEntriesMax = 200
    public static let errorMessageBytesMax = 512

    public var type: MessageType {
        switch self {
        case .welcome: .welcome
        case .joined: .joined
        case .snapshot: .snapshot
        case .chat: .chatEvent
        case .presence: .presence
        case .error: .error
        case .pong: .pong
        case .left: .left
        case .notice: .notice
        case .redirect: .redirect
        case .travel: .travel
        case .visiting: .visiting
        case .layer: .layerSet
        }
    }

    /// Appends type, length and payload to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(type.rawValue)
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0), endianness: .little)
        let start = buffer.writerIndex
        switch self {
        case .welcome(let version, let tickHz, let guest):
            buffer.writeLE(version)
            buffer.writeInteger(tickHz)
            buffer.writeInteger(UInt8(guest ? 1 : 0))
        case .joined(let j):
            buffer.writeShortString(j.space, bytesMax: WireFormat.idBytesMax)
            buffer.writeLE(j.entityId)
            buffer.writeF32(j.quantizer.originX)
            buffer.writeF32(j.quantizer.originY)
            buffer.writeF32(j.quantizer.originZ)
            buffer.writeF32(j.quantizer.quantumM)
            buffer.writeF32(j.x)
            buffer.writeF32(j.y)
            buffer.writeF32(j.z)
            buffer.writeF32(j.heading)
            buffer.writeF32(j.aoiRadiusM)
            buffer.writeLE(j.aoiMax)
        case .snapshot(let s):
            SnapshotLayout.writeHeader(
                into: &buffer, tick: s.tick, ackSeq: s.ackSeq, flags: s.flags, selfX: s.selfX, selfY: s.selfY,
                selfZ: s.selfZ, selfHeading: s.selfHeading, leaves: s.leaves.count, enters: s.enters.count,
                updates: s.updates.count)
            for id in s.leaves { buffer.writeLE(id) }
            for e in s.enters { SnapshotLayout.writeEnter(e, into: &buffer) }
            for u in s.updates { SnapshotLayout.writeUpdate(u, into: &buffer) }
        case .chat(let c):
            buffer.writeLE(c.fromEntity)
            buffer.writeInteger(c.scope.rawValue)
            buffer.writeShortString(c.name)
            buffer.writeLongString(c.text, bytesMax: WireFormat.chatBytesMax)
        case .presence(let total, let entries):
            buffer.writeLE(total)
            let shown = entries.prefix(Self.presenceEntriesMax)
            buffer.writeLE(UInt16(shown.count))
            for e in shown {
                buffer.writeLE(e.entityId)
                buffer.writeShortString(e.name)
                buffer.writeInteger(e.flags)
            }
        case .error(let code, let message):
            buffer.writeLE(code.rawValue)
            buffer.writeLongString(message, bytesMax: Self.errorMessageBytesMax)
        case .pong(let client, let server):
            buffer.writeF64(client)
            buffer.writeF64(server)
        case .left(let reason):
            buffer.writeInteger(reason.rawValue)
        case .notice(let kind, let entity, let text):
            buffer.writeInteger(kind.rawValue)
            buffer.writeLE(entity)
            buffer.writeLongString(text, bytesMax: Self.errorMessageBytesMax)
        case .redirect(let url, let ticket, let space):
            buffer.writeLongString(url, bytesMax: WireFormat.urlBytesMax)
            buffer.writeLongString(ticket, bytesMax: WireFormat.ticketBytesMax)
            buffer.writeShortString(space, bytesMax: WireFormat.idBytesMax)
        case .travel(let city, let space):
            buffer.writeShortString(city, bytesMax: WireFormat.hostBytesMax)
            buffer.writeShortString(space, bytesMax: WireFormat.idBytesMax)
        case .visiting(let home, let homeName, let homeUrl):
            buffer.writeShortString(home, bytesMax: WireFormat.hostBytesMax)
            buffer.writeShortString(homeName, bytesMax: WireFormat.nameBytesMax)
            buffer.writeLongString(homeUrl, bytesMax: WireFormat.urlBytesMax)
        case .layer(let proposal, let version):
            buffer.writeShortString(proposal, bytesMax: WireFormat.idBytesMax)
            buffer.writeLE(version)
        }
        buffer.setInteger(UInt16(buffer.writerIndex - start), at: lengthIndex, endianness: .little)
    }

    /// Decodes one message payload of the given type; the payload must be consumed exactly.
    public static func decode(type rawType: UInt8, payload: inout ByteBuffer) throws(WireError) -> ServerMessage {
        guard rawType >= 0x80, let type = MessageType(rawValue: rawType) else {
            throw WireError(.unknownType(rawType), field: "type", reason: "unknown message type \(rawType)")
        }
        let message: ServerMessage
        switch type {
        case .welcome:
            let version = try payload.readLE(UInt16.self, "welcome.version")
            let hz = try payload.readLE(UInt8.self, "welcome.tickHz")
            let guest = try payload.readLE(UInt8.self, "welcome.guest")
            message = .welcome(version: version, tickHz: hz, guest: guest != 0)
        case .joined:
            let space = try payload.readShortString("joined.space", bytesMax: WireFormat.idBytesMax)
            let id = try payload.readLE(UInt32.self, "joined.entityId")
            let q = Quantizer(
                originX: try payload.readF32("joined.originX"), originY: try payload.readF32("joined.originY"),
                originZ: try payload.readF32("joined.originZ"), quantumM: try payload.readF32("joined.quantumM"))
            message = .joined(
                JoinedInfo(
                    space: space, entityId: id, quantizer: q, x: try payload.readF32("joined.x"),
                    y: try payload.readF32("joined.y"), z: try payload.readF32("joined.z"),
                    heading: try payload.readF32("joined.heading"),
                    aoiRadiusM: try payload.readF32("joined.aoiRadiusM"),
                    aoiMax: try payload.readLE(UInt16.self, "joined.aoiMax")))
        case .snapshot:
            message = .snapshot(try SnapshotLayout.read(&payload))
        case .chatEvent:
            let from = try payload.readLE(UInt32.self, "chat.fromEntity")
            let rawScope = try payload.readLE(UInt8.self, "chat.scope")
            guard let scope = ChatScope(rawValue: rawScope) else {
                throw WireError(.invalidValue, field: "chat.scope", reason: "unknown scope")
            }
            let name = try payload.readShortString("chat.name", bytesMax: WireFormat.nameBytesMax)
            let text = try payload.readLongString("chat.text", bytesMax: WireFormat.chatBytesMax)
            message = .chat(ChatEvent(fromEntity: from, scope: scope, name: name, text: text))
        case .presence:
            let total = try payload.readLE(UInt16.self, "presence.total")
            let count = Int(try payload.readLE(UInt16.self, "presence.count"))
            guard count <= presenceEntriesMax else {
                throw WireError(.tooLong, field: "presence.count", reason: "at most \(presenceEntriesMax)")
            }
            var entries: [PresenceEntry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let id = try payload.readLE(UInt32.self, "presence.entityId")
                let name = try payload.readShortString("presence.name", bytesMax: WireFormat.nameBytesMax)
                let flags = try payload.readLE(UInt8.self, "presence.flags")
                entries.append(PresenceEntry(entityId: id, name: name, flags: flags))
            }
            message = .presence(total: total, entries: entries)
        case .error:
            let raw = try payload.readLE(UInt16.self, "error.code")
            let text = try payload.readLongString("error.message", bytesMax: errorMessageBytesMax)
            message = .error(code: ErrorCode(rawValue: raw) ?? .badMessage, message: text)
        case .pong:
            message = .pong(
                clientTimeMs: try payload.readF64("pong.clientTimeMs"),
                serverTimeMs: try payload.readF64("pong.serverTimeMs"))
        case .left:
            let raw = try payload.readLE(UInt8.self, "left.reason")
            message = .left(reason: LeaveReason(rawValue: raw) ?? .requested)
        case .notice:
            let raw = try payload.readLE(UInt8.self, "notice.kind")
            let entity = try payload.readLE(UInt32.self, "notice.entityId")
            let text = try payload.readLongString("notice.text", bytesMax: errorMessageBytesMax)
            message = .notice(kind: NoticeKind(rawValue: raw) ?? .info, entityId: entity, text: text)
        case .redirect:
            let url = try payload.readLongString("redirect.url", bytesMax: WireFormat.urlBytesMax)
            let ticket = try payload.readLongString("redirect.ticket", bytesMax: WireFormat.ticketBytesMax)
            let space = try payload.readShortString("redirect.space", bytesMax: WireFormat.idBytesMax)
            message = .redirect(url: url, ticket: ticket, space: space)
        case .travel:
            let city = try payload.readShortString("travel.city", bytesMax: WireFormat.hostBytesMax)
            let space = try payload.readShortString("travel.space", bytesMax: WireFormat.idBytesMax)
            message = .travel(city: city, space: space)
        case .visiting:
            let home = try payload.readShortString("visiting.home", bytesMax: WireFormat.hostBytesMax)
            let name = try payload.readShortString("visiting.homeName", bytesMax: WireFormat.nameBytesMax)
            let url = try payload.readLongString("visiting.homeUrl", bytesMax: WireFormat.urlBytesMax)
            message = .visiting(home: home, homeName: name, homeUrl: url)
        case .layerSet:
            let proposal = try payload.readShortString("layer.proposal", bytesMax: WireFormat.idBytesMax)
            message = .layer(proposal: proposal, version: try payload.readLE(UInt16.self, "layer.version"))
        default:
            throw WireError(.unknownType(rawType), field: "type", reason: "unknown message type \(rawType)")
        }
        guard payload.readableBytes == 0 else {
            throw WireError(
                .trailingBytes, field: "\(type)", reason: "\(payload.readableBytes) bytes after the message")
        }
        return message
    }
}
