import Foundation
import Logging
import Synchronization
import Wire
import WorldModel

/// A connected visitor: the connection plus its world view, chat and errors, kept up to date.
///
/// For bots, tests and tools: `waitUntil` polls the state until a condition holds or time runs out.
public final class Avatar: Sendable {
    /// Everything the avatar has heard so far (chat and errors bounded to the last 1,000).
    public struct State: Sendable {
        public var view = WorldView()
        public var welcomed = false
        public var guest = true
        public var chat: [ChatEvent] = []
        public var errors: [(code: ErrorCode, message: String)] = []
        public var presence: [PresenceEntry]?
        public var presenceTotal = 0
        public var closed: (code: UInt16?, reason: String?)?
        public var lastPongRttMs: Double?
        public var undecodable = 0
        /// Notices from the server: moderation, report outcomes, friend requests (last 100).
        public var notices: [(kind: NoticeKind, entityId: UInt32, text: String)] = []
        /// Redirects followed to other nodes of a cluster, and reconnections after a drop.
        public var redirects = 0
        public var reconnects = 0
        /// `joined` messages received: one per entry into a space.
        public var joins = 0
        /// The WebSocket URL of the node the avatar is connected to (after a redirect).
        public var server: String?
        /// On a visit to another city: where home is (the server's `visiting`).
        public var visiting: (home: String, homeName: String, homeURL: String)?
        /// The last portal to another city stepped into (`travel`): ask home for a ticket there.
        public var travel: (city: String, space: String)?
        /// The plan layer the server confirmed the avatar walks in (an empty id: today).
        public var layer: (proposal: String, version: UInt16)?
    }

    /// The connection in use now (it changes when the avatar follows a redirect or reconnects).
    public var connection: RealtimeConnection { link.withLock { $0.connection } }
    let link: Mutex<Link>
    let memory: Mutex<Memory>
    let state = Mutex(State())
    private let seq = Atomic<UInt32>(0)

    /// The current connection; `generation` tells its events from a replaced one's.
    struct Link {
        var connection: RealtimeConnection
        var generation: Int
    }

    /// What the avatar needs to carry on elsewhere: where it started, its token, its last join and
    /// boundary setting.
    struct Memory {
        var homeURL: String
        var currentURL: String
        var token: String
        var resilient: Bool
        var lastJoin: ClientMessage?
        var boundary: BoundaryMode?
        var closedByClient = false
        var rejoinAttempts = 0
    }

    init(connection: RealtimeConnection, url: String, token: String, resilient: Bool) {
        link = Mutex(Link(connection: connection, generation: 0))
        memory = Mutex(Memory(homeURL: url, currentURL: url, token: token, resilient: resilient))
    }

    /// Connects and says hello (with `token`, or as a guest when nil); returns after the welcome.
    ///
    /// The avatar always follows `redirect` to the node of a cluster that serves its space, and
    /// joins again when its space moved. With `resilient`, it also reconnects (with backoff) when
    /// the connection drops, and enters its last space again.
    public static func connect(url: String, token: String?, timeoutS: Double = 10, resilient: Bool = false)
        async throws -> Avatar
    {
        try await open(
            url: url, token: token ?? "", resilient: resilient,
            saying: .hello(version: WireFormat.version, token: token ?? ""),
            timeoutS: timeoutS, waitingFor: "a welcome", until: \.welcomed)
    }

    /// Connects, sends `first`, and returns once `done` holds; throws with the close code and reason
    /// when the server closes before, or after `timeoutS`.
    static func open(
        url: String, token: String, resilient: Bool, saying first: ClientMessage, timeoutS: Double,
        waitingFor what: String, until done: (State) -> Bool
    ) async throws -> Avatar {
        let avatar = Avatar(
            connection: try await RealtimeConnection.connect(url: url), url: url, token: token, resilient: resilient)
        avatar.listen(to: avatar.connection, generation: 0)
        avatar.connection.send(first)
        guard await avatar.waitUntil(timeoutS: timeoutS, { done($0) || $0.closed != nil }), done(avatar.snapshot)
        else {
            let closed = avatar.snapshot.closed
            throw ConnectFailure(code: closed?.code, reason: closed?.reason ?? "no \(what) within \(timeoutS) s")
        }
        return avatar
    }

    /// Why `connect` failed: the close code and reason from the server when it gave one.
    public struct ConnectFailure: Error, Sendable, CustomStringConvertible {
        public let code: UInt16?
        public let reason: String
        public var description: String { "closed \(code.map(String.init) ?? "-"): \(reason)" }
    }

    func listen(to connection: RealtimeConnection, generation: Int) {
        let events = connection.events
        Task { [self] in
            for await event in events {
                guard link.withLock({ $0.generation }) == generation else { continue }
                record(event)
                react(to: event, generation: generation)
            }
        }
    }

    private func record(_ event: RealtimeEvent) {
        state.withLock { s in
            switch event {
            case .message(let m):
                switch m {
                case .welcome(_, _, let guest):
                    s.welcomed = true
                    s.guest = guest
                case .chat(let c):
                    s.chat.append(c)
                    if s.chat.count > 1000 { s.chat.removeFirst() }
                case .error(let code, let message):
                    s.errors.append((code, message))
                    if s.errors.count > 1000 { s.errors.removeFirst() }
                case .presence(let total, let entries):
                    s.presence = entries
                    s.presenceTotal = Int(total)
                case .notice(let kind, let entity, let text):
                    s.notices.append((kind, entity, text))
                    if s.notices.count > 100 { s.notices.removeFirst() }
                case .pong(let sent, _):
                    s.lastPongRttMs = Date().timeIntervalSince1970 * 1000 - sent
                case .redirect(let url, _, _):
                    s.redirects += 1
                    s.server = url
                case .visiting(let home, let name, let url):
                    s.visiting = (home, name, url)
                case .travel(let city, let space):
                    s.travel = (city, space)
                case .layer(let proposal, let version):
                    s.layer = (proposal, version)
                case .joined:
                    s.joins += 1
                    s.view.apply(m)
                default:
                    s.view.apply(m)
                }
            case .undecodable, .frame:
                s.undecodable += 1
            case .closed(let code, let reason):
                s.closed = (code, reason)
            }
        }
    }

    /// A copy of the current state.
    public var snapshot: State { state.withLock { $0 } }

    /// Reads the state under its lock.
    public func read<T>(_ body: (State) -> T) -> T { state.withLock { body($0) } }

    /// Polls until `condition` holds (true) or `timeoutS` passes (false).
    public func waitUntil(timeoutS: Double, _ condition: (State) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeoutS)
        while Date() < deadline {
            if state.withLock({ condition($0) }) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return state.withLock { condition($0) }
    }

    public func join(space: String, personaId: Int64) { sendJoin(.join(space: space, personaId: personaId)) }

    public func joinGuest(space: String, name: String, appearance: Appearance = .standard) {
        sendJoin(.joinGuest(space: space, name: name, appearance: appearance))
    }

    /// Sends a movement intent with the next sequence number; returns that number.
    @discardableResult
    public func move(x: Float, y: Float, z: Float = 0, heading: Float = 0, animation: AnimationState = .walk) -> UInt32
    {
        let n = seq.add(1, ordering: .relaxed).newValue
        connection.send(.move(MoveIntent(seq: n, x: x, y: y, z: z, heading: heading, animation: animation)))
        return n
    }

    public func say(_ text: String, scope: ChatScope = .proximity) { connection.send(.chat(scope: scope, text: text)) }
    public func teleport(toSpace id: String) {
        remember(space: id)
        connection.send(.teleportSpace(space: id))
    }
    public func teleport(throughPortal id: String) { connection.send(.teleportPortal(portalId: id)) }
    public func requestPresence() { connection.send(.presenceRequest) }
    public func ping() { connection.send(.ping(clientTimeMs: Date().timeIntervalSince1970 * 1000)) }
    public func leave() { connection.send(.leave) }
    /// Walks in a plan's layer (docs/planning.md), or with an empty id in today's world.
    public func walkIn(proposal: String, version: UInt16) {
        connection.send(.layer(proposal: proposal, version: version))
    }
    public func setBoundary(_ mode: BoundaryMode) {
        memory.withLock { $0.boundary = mode }
        connection.send(.setBoundary(mode))
    }
    /// Starts, joins (the guide `entityId`) or leaves a guided tour.
    public func tour(_ action: TourAction, guide entityId: UInt32 = 0) {
        connection.send(.tour(action: action, entityId: entityId))
    }
    /// As the guide: announce the work the tour stands at.
    public func announceStop(_ artwork: String) { connection.send(.tourStop(artwork: artwork)) }
    /// Mutes, unmutes, blocks or befriends the account behind the visible avatar `entityId`.
    public func relate(_ action: RelateAction, entityId: UInt32) {
        connection.send(.relate(action: action, entityId: entityId))
    }
    /// Reports the visible avatar `entityId` (category 0 harassment … 6 other), optionally blocking too.
    public func report(entityId: UInt32, category: UInt8, note: String = "", block: Bool = false) {
        connection.send(.report(entityId: entityId, category: category, block: block, note: note))
    }
    public func close() {
        memory.withLock { $0.closedByClient = true }
        connection.close()
    }
}
