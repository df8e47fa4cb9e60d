/// Constants of the Bitgoeul real-time protocol (see docs/protocol.md).
///
/// A WebSocket binary frame carries one or more messages; each message is
/// `type: u8`, `length: u16 LE` (payload bytes), then the payload. All integers are
/// little-endian, floats are IEEE 754.
public enum WireFormat {
    /// The protocol version a client names in `hello`; bumped on incompatible changes.
    public static let version: UInt16 = 1
    /// Largest frame a client may send (bytes); larger frames close the connection with 1009.
    public static let clientFrameBytesMax = 16 * 1024
    /// Largest frame the server sends (bytes).
    public static let serverFrameBytesMax = 64 * 1024
    /// Bytes before each message payload: type and length.
    public static let messageHeaderBytes = 3
    /// Longest persona name on the wire (UTF-8 bytes, with a u8 length).
    public static let nameBytesMax = 96
    /// Longest chat text (Unicode characters) and its UTF-8 byte bound.
    public static let chatLengthMax = 500
    public static let chatBytesMax = 2000
    /// Longest session token, space id or portal id on the wire (bytes).
    public static let tokenBytesMax = 128
    public static let idBytesMax = 96
    /// Bytes of a server id (a host name, `gwangju.example`) as short strings carry it.
    public static let hostBytesMax = 253
    /// A handoff ticket (`redirect`, `handoff`): signed claims of a few hundred bytes.
    public static let ticketBytesMax = 1024
    /// Bytes of a travel ticket (docs/federation.md), which may carry the traveller's blocks.
    public static let travelTicketBytesMax = 4096
    /// The WebSocket URL in a `redirect`.
    public static let urlBytesMax = 512
}

/// Message type codes. Client-to-server codes are below 0x80, server-to-client codes 0x80 and above.
public enum MessageType: UInt8, Sendable, CaseIterable {
    case hello = 0x01
    case join = 0x02
    case joinGuest = 0x03
    case move = 0x04
    case chat = 0x05
    case teleportPortal = 0x06
    case teleportSpace = 0x07
    case presenceRequest = 0x08
    case ping = 0x09
    case leave = 0x0A
    case setBoundary = 0x0B
    case relate = 0x0C
    case report = 0x0D
    case tour = 0x0E
    case tourStop = 0x0F
    case handoff = 0x10
    case visit = 0x11
    case layer = 0x12

    case welcome = 0x81
    case joined = 0x82
    case snapshot = 0x83
    case chatEvent = 0x84
    case presence = 0x85
    case error = 0x86
    case pong = 0x87
    case left = 0x88
    case notice = 0x89
    case redirect = 0x8A
    case travel = 0x8B
    case visiting = 0x8C
    case layerSet = 0x8D
}

/// Avatar animation states; the server uses them to pick the speed limit.
public enum AnimationState: UInt8, Sendable, CaseIterable, Codable {
    case idle = 0
    case walk = 1
    case run = 2
    case sit = 3
    case wave = 4
    case dance = 5
}

/// Whether chat goes to those within the proximity radius or to the whole space.
public enum ChatScope: UInt8, Sendable, CaseIterable, Codable {
    case proximity = 0
    case space = 1
    /// The guide of a tour to everyone on it, wherever they are in the space ("speakerphone").
    case tour = 2
}

/// Non-fatal error codes the server sends in an `error` message; the connection stays open.
public enum ErrorCode: UInt16, Sendable, CaseIterable, Codable {
    case badMessage = 1
    case unknownType = 2
    case notJoined = 3
    case unknownSpace = 4
    case spaceFull = 5
    case rateLimited = 6
    case unknownPersona = 7
    case guestsNotAllowed = 8
    case notNearPortal = 9
    case unknownPortal = 10
    case invalidValue = 11
    case textTooLong = 12
    case badName = 13
    case helloExpected = 14
    case alreadyJoined = 15
    case busy = 16
    /// The request needs a role the account does not hold here.
    case notAllowed = 17
    /// The request repeats something already done (blocking twice, a pending friend request).
    case conflict = 18
    /// No such avatar in your space (or it cannot be seen).
    case unknownEntity = 19
    /// A moderator's sanction forbids it for now (a kick, suspension, ban or mute).
    case sanctioned = 20
    /// The space is passing from one server of the cluster to another; try again in a moment.
    case spaceMoving = 21
    /// No such plan layer (proposal and version) in the space.
    case unknownLayer = 22

    /// A stable snake_case name, also used in logs and documentation.
    public var name: String {
        switch self {
        case .badMessage: "bad_message"
        case .unknownType: "unknown_type"
        case .notJoined: "not_joined"
        case .unknownSpace: "unknown_space"
        case .spaceFull: "space_full"
        case .rateLimited: "rate_limited"
        case .unknownPersona: "unknown_persona"
        case .guestsNotAllowed: "guests_not_allowed"
        case .notNearPortal: "not_near_portal"
        case .unknownPortal: "unknown_portal"
        case .invalidValue: "invalid_value"
        case .textTooLong: "text_too_long"
        case .badName: "bad_name"
        case .helloExpected: "hello_expected"
        case .alreadyJoined: "already_joined"
        case .busy: "busy"
        case .notAllowed: "not_allowed"
        case .conflict: "conflict"
        case .unknownEntity: "unknown_entity"
        case .sanctioned: "sanctioned"
        case .spaceMoving: "space_moving"
        case .unknownLayer: "unknown_layer"
        }
    }
}

/// WebSocket close codes the server uses, each sent with a human-readable reason.
public enum CloseCode {
    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let policyViolation: UInt16 = 1008
    public static let tooBig: UInt16 = 1009
    /// The client's protocol version is not supported.
    public static let versionUnsupported: UInt16 = 4000
    /// No valid `hello` in time.
    public static let helloTimeout: UInt16 = 4001
    /// The session token is invalid or expired.
    public static let unauthorized: UInt16 = 4003
    /// The client flooded the server past its rate limits.
    public static let flooding: UInt16 = 4008
    /// Too many malformed messages.
    public static let protocolErrors: UInt16 = 4400
    /// The server is admitting connections slowly; retry after a moment.
    public static let busy: UInt16 = 4029
    /// The account was erased, suspended or banned while connected; the reason says which.
    public static let accountEnded: UInt16 = 4010
    /// A handoff ticket was refused: forged, expired, used before, or meant for another server.
    public static let ticketRefused: UInt16 = 4011
    /// A visitor's travel ticket was refused: forged, expired, used before, from a city this one does
    /// not take visitors from, or for a person banned here; the reason says which.
    public static let travelRefused: UInt16 = 4012
    /// This city stopped federating with the visitor's home city: go home (the `visiting` message said where).
    public static let defederated: UInt16 = 4013
}

/// Why the server took an avatar out of a space (`left` message).
public enum LeaveReason: UInt8, Sendable, CaseIterable, Codable {
    case requested = 0
    case teleported = 1
    case kicked = 2
    case spaceClosed = 3
    /// The space now runs on another server of the cluster: `join` it again to be sent there.
    case moved = 4
}

/// Who may come within the personal boundary (0.6 m around each avatar); enforced by the server.
public enum BoundaryMode: UInt8, Sendable, CaseIterable, Codable {
    case nonFriends = 0
    case everyone = 1
    case off = 2
}

/// What a `relate` message does to the account behind another avatar.
public enum RelateAction: UInt8, Sendable, CaseIterable, Codable {
    /// Stop receiving their chat.
    case mute = 1
    case unmute = 2
    /// Mutual invisibility and silence, in every space, until undone.
    case block = 3
    /// Ask for (or accept) friendship: friends may come within the personal boundary.
    case friend = 4
}

/// What a `tour` message does.
public enum TourAction: UInt8, Sendable, CaseIterable, Codable {
    /// Lead a tour (docents, curators, moderators and owners of the space).
    case start = 1
    /// Follow the guide `entityId`: the server walks you after them until you leave.
    case join = 2
    /// Stop following, or (for the guide) end the tour.
    case leave = 3
}

/// What a `notice` tells the client.
public enum NoticeKind: UInt8, Sendable, CaseIterable, Codable {
    case info = 0
    /// A moderator's warning or sanction.
    case moderation = 1
    /// The outcome of a report you filed.
    case reportOutcome = 2
    /// Another avatar asks to be friends (the entity says who).
    case friendRequest = 3
    /// A tour event; the entity is the guide, the text `started`, `joined`, `left`, `ended` or `stop:<artwork>`.
    case tour = 4
}
