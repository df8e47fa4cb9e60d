import NIOCore
import WorldModel

/// Movement intent: where the client believes its avatar is. The server clamps it.
public struct MoveIntent: Hashable, Sendable {
    /// Increases by one per intent; echoed as `ackSeq` in snapshots so clients can reconcile.
    public var seq: UInt32
    public var x: Float
    public var y: Float
    public var z: Float
    /// Radians counter-clockwise from east.
    public var heading: Float
    public var animation: AnimationState

    public init(seq: UInt32, x: Float, y: Float, z: Float, heading: Float, animation: AnimationState) {
        self.seq = seq
        self.x = x
        self.y = y
        self.z = z
        self.heading = heading
        self.animation = animation
    }
}

/// Everything a client can say to the server.
public enum ClientMessage: Hashable, Sendable {
    /// First message on a connection: protocol version and session token (empty for a guest).
    case hello(version: UInt16, token: String)
    /// Enter a space as one of the account's personas.
    case join(space: String, personaId: Int64)
    /// Enter a space as a guest with a throw-away persona.
    case joinGuest(space: String, name: String, appearance: Appearance)
    case move(MoveIntent)
    case chat(scope: ChatScope, text: String)
    case teleportPortal(portalId: String)
    case teleportSpace(space: String)
    case presenceRequest
    /// Client clock in milliseconds, echoed in `pong`.
    case ping(clientTimeMs: Double)
    case leave
    case setBoundary(BoundaryMode)
    /// Mute, unmute, block or befriend the account behind a visible avatar.
    case relate(action: RelateAction, entityId: UInt32)
    /// Report an avatar; with `block` the reporter also blocks them in the same step.
    case report(entityId: UInt32, category: UInt8, block: Bool, note: String)
    /// Start, join (the guide `entityId`) or leave a guided tour.
    case tour(action: TourAction, entityId: UInt32)
    /// The guide announces the work the tour stands at.
    case tourStop(artwork: String)
    /// Instead of `hello` on the server a `redirect` named: the protocol version and the ticket.
    case handoff(version: UInt16, ticket: String)
    /// Instead of `hello`, arriving from another city with a travel ticket its server gave
    /// (docs/federation.md): the ticket says who arrives, under which pseudonym, and where.
    case visit(version: UInt16, ticket: String)
    /// Walk in a plan's layer (docs/planning.md): a proposal's id and version; an empty id is today's world.
    case layer(proposal: String, version: UInt16)

    public var type: MessageType {
        switch self {
        case .hello: .hello
        case .join: .join
        case .joinGuest: .joinGuest
        case .move: .move
        case .chat: .chat
        case .teleportPortal: .teleportPortal
        case .teleportSpace: .teleportSpace
        case .presenceRequest: .presenceRequest
        case .ping: .ping
        case .leave: .leave
        case .setBoundary: .setBoundary
        case .relate: .relate
        case .report: .report
        case .tour: .tour
        case .tourStop: .tourStop
        case .handoff: .handoff
        case .visit: .visit
        case .layer: .layer
        }
    }

    /// Appends type, length and payload to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(type.rawValue)
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0), endianness: .little)
        let start = buffer.writerIndex
        switch self {
        case .hello(let version, let token):
            buffer.writeLE(version)
            buffer.writeLongString(token, bytesMax: WireFormat.tokenBytesMax)
        case .join(let space, let personaId):
            buffer.writeShortString(space, bytesMax: WireFormat.idBytesMax)
            buffer.writeLE(personaId)
        case .joinGuest(let space, let name, let appearance):
            buffer.writeShortString(space, bytesMax: WireFormat.idBytesMax)
            buffer.writeShortString(name)
            buffer.writeAppearance(appearance)
        case .move(let m):
            buffer.writeLE(m.seq)
            buffer.writeF32(m.x)
            buffer.writeF32(m.y)
            buffer.writeF32(m.z)
            buffer.writeF32(m.heading)
            buffer.writeInteger(m.animation.rawValue)
        case .chat(let scope, let text):
            buffer.writeInteger(scope.rawValue)
            buffer.writeLongString(text, bytesMax: WireFormat.chatBytesMax)
        case .teleportPortal(let portalId):
            buffer.writeShortString(portalId, bytesMax: WireFormat.idBytesMax)
        case .teleportSpace(let space):
            buffer.writeShortString(space, bytesMax: WireFormat.idBytesMax)
        case .presenceRequest, .leave:
            break
        case .ping(let t):
            buffer.writeF64(t)
        case .setBoundary(let mode):
            buffer.writeInteger(mode.rawValue)
        case .relate(let action, let entity):
            buffer.writeInteger(action.rawValue)
            buffer.writeLE(entity)
        case .report(let entity, let category, let block, let note):
            buffer.writeLE(entity)
            buffer.writeInteger(category)
            buffer.writeInteger(UInt8(block ? 1 : 0))
            buffer.writeLongString(note, bytesMax: WireFormat.chatBytesMax)
        case .tour(let action, let entity):
            buffer.writeInteger(action.rawValue)
            buffer.writeLE(entity)
        case .tourStop(let artwork):
            buffer.writeShortString(artwork, bytesMax: WireFormat.idBytesMax)
        case .handoff(let version, let ticket):
            buffer.writeLE(version)
            buffer.writeLongString(ticket, bytesMax: WireFormat.ticketBytesMax)
        case .visit(let version, let ticket):
            buffer.writeLE(version)
            buffer.writeLongString(ticket, bytesMax: WireFormat.travelTicketBytesMax)
        case .layer(let proposal, let version):
            buffer.writeShortString(proposal, bytesMax: WireFormat.idBytesMax)
            buffer.writeLE(version)
        }
        buffer.setInteger(UInt16(buffer.writerIndex - start), at: lengthIndex, endianness: .little)
    }

    /// Decodes one message payload of the given type; the payload must be consumed exactly.
    public static func decode(type rawType: UInt8, payload: inout ByteBuffer) throws(WireError) -> ClientMessage {
        guard let type = MessageType(rawValue: rawType), rawType < 0x80 else {
            throw WireError(.unknownType(rawType), field: "type", reason: "unknown message type \(rawType)")
        }
        let message: ClientMessage
        switch type {
        case .hello:
            let version = try payload.readLE(UInt16.self, "hello.version")
            let token = try payload.readLongString("hello.token", bytesMax: WireFormat.tokenBytesMax)
            message = .hello(version: version, token: token)
        case .join:
            let space = try payload.readShortString("join.space", bytesMax: WireFormat.idBytesMax)
            let persona = try payload.readLE(Int64.self, "join.personaId")
            message = .join(space: space, personaId: persona)
        case .joinGuest:
            let space = try payload.readShortString("joinGuest.space", bytesMax: WireFormat.idBytesMax)
            let name = try payload.readShortString("joinGuest.name", bytesMax: WireFormat.nameBytesMax)
            let appearance = try payload.readAppearance("joinGuest.appearance")
            message = .joinGuest(space: space, name: name, appearance: appearance)
        case .move:
            let seq = try payload.readLE(UInt32.self, "move.seq")
            let x = try payload.readF32("move.x")
            let y = try payload.readF32("move.y")
            let z = try payload.readF32("move.z")
            let heading = try payload.readF32("move.heading")
            let rawAnimation = try payload.readLE(UInt8.self, "move.animation")
            guard let animation = AnimationState(rawValue: rawAnimation) else {
                throw WireError(.invalidValue, field: "move.animation", reason: "unknown animation \(rawAnimation)")
            }
            message = .move(MoveIntent(seq: seq, x: x, y: y, z: z, heading: heading, animation: animation))
        case .chat:
            let rawScope = try payload.readLE(UInt8.self, "chat.scope")
            guard let scope = ChatScope(rawValue: rawScope) else {
                throw WireError(
                    .invalidValue, field: "chat.scope", reason: "scope is 0 (proximity), 1 (space) or 2 (tour)")
            }
            let text = try payload.readLongString("chat.text", bytesMax: WireFormat.chatBytesMax)
            message = .chat(scope: scope, text: text)
        case .teleportPortal:
            message = .teleportPortal(
                portalId: try payload.readShortString("teleportPortal.portalId", bytesMax: WireFormat.idBytesMax))
        case .teleportSpace:
            message = .teleportSpace(
                space: try payload.readShortString("teleportSpace.space", bytesMax: WireFormat.idBytesMax))
        case .presenceRequest:
            message = .presenceRequest
        case .ping:
            message = .ping(clientTimeMs: try payload.readF64("ping.clientTimeMs"))
        case .leave:
            message = .leave
        case .setBoundary:
            let raw = try payload.readLE(UInt8.self, "setBoundary.mode")
            guard let mode = BoundaryMode(rawValue: raw) else {
                throw WireError(.invalidValue, field: "setBoundary.mode", reason: "0 non-friends, 1 everyone, 2 off")
            }
            message = .setBoundary(mode)
        case .relate:
            let raw = try payload.readLE(UInt8.self, "relate.action")
            guard let action = RelateAction(rawValue: raw) else {
                throw WireError(
                    .invalidValue, field: "relate.action", reason: "1 mute, 2 unmute, 3 block, 4 friend")
            }
            message = .relate(action: action, entityId: try payload.readLE(UInt32.self, "relate.entityId"))
        case .report:
            let entity = try payload.readLE(UInt32.self, "report.entityId")
            let category = try payload.readLE(UInt8.self, "report.category")
            let block = try payload.readLE(UInt8.self, "report.block")
            let note = try payload.readLongString("report.note", bytesMax: WireFormat.chatBytesMax)
            message = .report(entityId: entity, category: category, block: block != 0, note: note)
        case .tour:
            let raw = try payload.readLE(UInt8.self, "tour.action")
            guard let action = TourAction(rawValue: raw) else {
                throw WireError(.invalidValue, field: "tour.action", reason: "1 start, 2 join, 3 leave")
            }
            message = .tour(action: action, entityId: try payload.readLE(UInt32.self, "tour.entityId"))
        case .tourStop:
            message = .tourStop(
                artwork: try payload.readShortString("tourStop.artwork", bytesMax: WireFormat.idBytesMax))
        case .handoff:
            let version = try payload.readLE(UInt16.self, "handoff.version")
            let ticket = try payload.readLongString("handoff.ticket", bytesMax: WireFormat.ticketBytesMax)
            message = .handoff(version: version, ticket: ticket)
        case .visit:
            let version = try payload.readLE(UInt16.self, "visit.version")
            let ticket = try payload.readLongString("visit.ticket", bytesMax: WireFormat.travelTicketBytesMax)
            message = .visit(version: version, ticket: ticket)
        case .layer:
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

extension ByteBuffer {
    /// Appearance: body u8, skin/primary/secondary as u24 (0xRRGGBB), accessory u8: 11 bytes.
    mutating func writeAppearance(_ a: Appearance) {
        writeInteger(a.bodyShape.rawValue)
        writeU24(a.skinColor)
        writeU24(a.primaryColor)
        writeU24(a.secondaryColor)
        writeInteger(a.accessory.rawValue)
    }

    mutating func readAppearance(_ field: String) throws(WireError) -> Appearance {
        let rawBody = try readLE(UInt8.self, field + ".bodyShape")
        let skin = try readU24(field + ".skinColor")
        let primary = try readU24(field + ".primaryColor")
        let secondary = try readU24(field + ".secondaryColor")
        let rawAccessory = try readLE(UInt8.self, field + ".accessory")
        guard let body = BodyShape(rawValue: rawBody) else {
            throw WireError(.invalidValue, field: field + ".bodyShape", reason: "unknown body shape \(rawBody)")
        }
        guard let accessory = Accessory(rawValue: rawAccessory) else {
            throw WireError(.invalidValue, field: field + ".accessory", reason: "unknown accessory \(rawAccessory)")
        }
        return Appearance(
            bodyShape: body, skinColor: skin, primaryColor: primary, secondaryColor: secondary, accessory: accessory)
    }

    mutating func writeU24(_ value: UInt32) {
        writeInteger(UInt8(value & 0xFF))
        writeInteger(UInt16((value >> 8) & 0xFFFF), endianness: .little)
    }

    mutating func readU24(_ field: String) throws(WireError) -> UInt32 {
        let low = try readLE(UInt8.self, field)
        let high = try readLE(UInt16.self, field)
        return UInt32(low) | UInt32(high) << 8
    }
}
