import NIOCore
import Synchronization
import Wire
import WorldModel

/// A request from a connection that the space's tick carries out.
public enum SpaceCommand: Sendable, Hashable {
    case chat(scope: ChatScope, text: String)
    case teleportPortal(String)
    case teleportSpace(String)
    case presence
    case setBoundary(BoundaryMode)
    /// Walk in a plan's layer (a proposal's id and version), or with an empty id in today's world.
    case setLayer(proposal: String, version: UInt16)
    case tour(TourAction, UInt32)
    case tourStop(String)
    /// Hand the space's recent events to a report being filed.
    case evidence(EvidenceRequest)
    /// From the server: take the avatar out of the space (a moderator's kick or sanction).
    case remove(reason: String)
    /// From the server: tell the client something.
    case notice(kind: NoticeKind, entityId: UInt32, text: String)
}

/// Who a connection walks as: the persona others see and the account behind it (nil for guests).
public struct Walker: Sendable, Hashable {
    public var accountId: Int64?
    public var personaId: Int64?
    public var name: String
    public var appearance: Appearance
    /// Who safety rules bind: the account, or a fresh negative number for a guest connection.
    public var party: Int64
    /// A visitor's home city's name (docs/federation.md); nil for this city's people and guests.
    public var home: String?
    public init(
        accountId: Int64?, personaId: Int64?, name: String, appearance: Appearance, party: Int64? = nil,
        home: String? = nil
    ) {
        self.home = home
        self.accountId = accountId
        self.personaId = personaId
        self.name = name
        self.appearance = appearance
        self.party = party ?? accountId ?? SafetyBoard.newGuestParty()
    }

    public var isGuest: Bool { accountId == nil }

    /// How others see the walker marked: a guest, a visitor from another city, or neither.
    public var entityFlags: UInt8 {
        (isGuest ? EntityEnter.flagGuest : 0) | (home != nil ? EntityEnter.flagVisitor : 0)
    }

    /// The home city's name as enter records carry it.
    public var homeUTF8: [UInt8] { Array((home ?? "").utf8.prefix(WireFormat.nameBytesMax)) }
}

/// The meeting point of one connection and the space it is in.
///
/// The connection writes intents into the inbox (an uncontended per-connection mutex, no shared
/// lock and no actor hop); the space's tick drains it once per tick and delivers one combined
/// frame per tick into the bounded outbox.
public final class ClientLink: Sendable {
    /// What the connection queued since the last tick.
    public struct Inbox: Sendable {
        public var move: MoveIntent?
        public var commands: [SpaceCommand] = []
        /// Commands refused because the queue was full, reported back to the client.
        public var refused = 0
    }

    /// Where frames go: a socket's outlet, a stream (tests without sockets), or (for benchmarks)
    /// nowhere; the tick counts the bytes.
    public enum Sink: Sendable {
        case outlet(any FrameOutlet)
        case stream(AsyncStream<ByteBuffer>.Continuation)
        case count
    }

    public let walker: Walker
    private let inbox = Mutex(Inbox())
    private let sink: Sink
    private let commandsMax: Int
    /// Frames an outlet may hold unwritten; past this the client is resynchronised.
    private let framesMax: Int
    private let closedFlag = Atomic<Bool>(false)
    /// The space the link is in or is being moved to, for the connection to read.
    private let spaceId = Mutex<String?>(nil)
    /// Where the tick last saw the avatar, about once a second; in memory only.
    private let seen = Mutex<SeenSpot?>(nil)

    /// A space and a position in its ENU frame, as the space's tick moved the avatar there: what the
    /// server judges online mission checkpoints by (the client's claims play no part).
    public struct SeenSpot: Sendable, Hashable {
        public let space: String
        public let x: Float
        public let y: Float
    }

    public init(walker: Walker, sink: Sink, commandsMax: Int = 8, framesMax: Int = 8) {
        self.walker = walker
        self.sink = sink
        self.commandsMax = commandsMax
        self.framesMax = framesMax
    }

    /// A link and the stream of frames the connection should write, holding at most `framesMax`.
    public static func makeStreaming(walker: Walker, framesMax: Int, commandsMax: Int) -> (
        ClientLink, AsyncStream<ByteBuffer>
    ) {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingOldest(framesMax))
        return (ClientLink(walker: walker, sink: .stream(continuation), commandsMax: commandsMax), stream)
    }

    // MARK: Connection side

    /// Keeps only the newest movement intent: movement is state, older intents are superseded.
    public func post(move: MoveIntent) {
        inbox.withLock { $0.move = move }
    }

    /// Queues a command; returns false when the queue for this tick is full.
    @discardableResult
    public func post(command: SpaceCommand) -> Bool {
        inbox.withLock { box in
            guard box.commands.count < commandsMax else {
                box.refused += 1
                return false
            }
            box.commands.append(command)
            return true
        }
    }

    /// Marks the connection gone; the space removes the avatar on its next tick.
    public func close() {
        closedFlag.store(true, ordering: .releasing)
        if case .stream(let continuation) = sink { continuation.finish() }
    }

    /// Queues a command from the server itself (moderation, notices), past the per-tick limit
    /// but within a hard bound; a removal is never dropped.
    public func post(system command: SpaceCommand) {
        inbox.withLock { box in
            if case .remove = command {
            } else if box.commands.count >= 4 * commandsMax {
                return
            }
            box.commands.append(command)
        }
    }

    public var isClosed: Bool { closedFlag.load(ordering: .acquiring) }
    public var party: Int64 { walker.party }
    public var currentSpace: String? { spaceId.withLock { $0 } }

    // MARK: Space side

    func drain() -> Inbox {
        inbox.withLock { box in
            let taken = box
            box.move = nil
            box.commands.removeAll(keepingCapacity: true)
            box.refused = 0
            return taken
        }
    }

    func setSpace(_ id: String?) {
        spaceId.withLock { $0 = id }
        seen.withLock { $0 = nil }
    }

    /// Where the tick last saw the avatar (nil before the first look in its current space).
    public var lastSeen: SeenSpot? { seen.withLock { $0 } }

    func see(space: String, x: Float, y: Float) {
        seen.withLock { $0 = SeenSpot(space: space, x: x, y: y) }
    }

    /// Hands a frame to the connection; false when its outbox is full (the client is too slow).
    func deliver(_ frame: ByteBuffer) -> Bool {
        switch sink {
        case .count:
            return true
        case .outlet(let outlet):
            return outlet.send(frame, framesMax: framesMax)
        case .stream(let continuation):
            switch continuation.yield(frame) {
            case .enqueued:
                return true
            case .dropped, .terminated:
                return false
            @unknown default:
                return false
            }
        }
    }
}
