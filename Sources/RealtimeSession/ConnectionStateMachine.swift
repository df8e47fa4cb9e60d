import Accounts
import Clocks
import Foundation
import NIOCore
import Realtime
import Safety
import Storage
import Wire
import WorldModel

/// The protocol of one real-time connection as a synchronous state machine: hello, join, then
/// intents into the space (docs/protocol.md).
///
/// It takes a frame (or the outcome of something it asked for) and returns actions. It never
/// waits: what needs the store or the tick is a `.perform(Request)` action, which the WebSocket
/// route carries out (`SessionEffects`) and feeds back with `receive(_:)`. Until then, messages
/// that came in the same frame wait in order. It posts to the space's inbox and the safety board
/// directly: both take a value and return at once.
public struct ConnectionStateMachine {
    public enum State {
        case awaitingHello
        /// Hello arrived; the token and the account's rules are being looked up.
        case greeting
        case ready(Identity)
        /// Entering a space: the persona is being looked up, or the persona-switch delay runs.
        case entering(Identity)
        case joined(Identity, Presence)
        case closed
    }

    /// Who the connection speaks for, from hello on.
    public struct Identity: Sendable {
        /// nil for a guest.
        public var account: Int64?
        /// Who safety rules bind: the account, or a number for this guest connection.
        public var party: Int64
    }

    /// The avatar in a space.
    public struct Presence: Sendable {
        public let link: ClientLink
        /// When the persona walked as was made (nil for guests): young personas may not post links.
        public let personaCreatedAt: Date?
    }

    public enum Action {
        case send(ServerMessage)
        case close(code: UInt16, reason: String)
        /// Start writing the space's snapshots from this stream to the socket (only for a machine
        /// without an outlet: with one, the space writes to the socket itself).
        case startWriter(AsyncStream<ByteBuffer>)
        /// The connection speaks for this account: end it when the account is erased or banned.
        case watch(account: Int64)
        /// Carry this out and feed the outcome back with `receive(_:)`; nothing else is read until then.
        case perform(Request)
    }

    public internal(set) var state = State.awaitingHello
    let environment: SessionEnvironment
    var buckets: ConnectionBuckets
    /// Messages of a frame not yet handled because a request is out, from `queuedNext` on.
    private var queued: [Result<ClientMessage, WireError>] = []
    private var queuedNext = 0
    /// A request is out: its outcome must come back before the next message.
    private(set) var isWaiting = false
    /// What the outstanding request is for.
    var pending: Pending?
    /// The boundary setting a handoff ticket carried, applied once the avatar is in.
    var arrivingBoundary: BoundaryMode?
    /// The person's last boundary setting on this connection, carried to another node by a redirect.
    var boundary = BoundaryMode.nonFriends
    /// A visitor from another city walks as this, in every space they enter here.
    var visitor: Walker?

    /// Where the space writes this connection's frames; nil without a socket (tests), when the
    /// machine hands out a stream instead (`startWriter`).
    let outlet: (any FrameOutlet)?
    /// Moves, taken off the socket's thread while in a space, or through `receive` otherwise.
    public let moves: MoveShortcut

    public init(environment: SessionEnvironment, outlet: (any FrameOutlet)? = nil) {
        self.environment = environment
        self.outlet = outlet
        buckets = ConnectionBuckets(environment.limits, nowS: environment.clock.monotonicS())
        moves = MoveShortcut(limits: environment.limits, clock: environment.clock)
    }

    /// Whether hello has been answered (for the hello deadline).
    public var isGreeted: Bool {
        switch state {
        case .awaitingHello, .greeting: false
        default: true
        }
    }

    var identity: Identity? {
        switch state {
        case .ready(let who), .entering(let who), .joined(let who, _): who
        case .awaitingHello, .greeting, .closed: nil
        }
    }

    var presence: Presence? {
        if case .joined(_, let presence) = state { presence } else { nil }
    }

    // MARK: Input

    /// One binary frame, holding one or more messages.
    public mutating func receive(frame: ByteBuffer) -> [Action] {
        var decoded: [Result<ClientMessage, WireError>] = []
        do throws(WireError) {
            try Frame.forEachMessage(in: frame) { (type, payload) throws(WireError) in
                do throws(WireError) {
                    decoded.append(.success(try ClientMessage.decode(type: type, payload: &payload)))
                } catch {
                    decoded.append(.failure(error))
                }
            }
        } catch {
            decoded.append(.failure(error))
        }
        if queuedNext == queued.count {
            queued.removeAll(keepingCapacity: true)
            queuedNext = 0
        }
        queued.append(contentsOf: decoded)
        return drain()
    }

    /// A text frame: the protocol is binary only.
    public mutating func receiveText() -> [Action] {
        protocolError(.badMessage, "this endpoint speaks the binary protocol (docs/protocol.md), not text")
    }

    /// The outcome of the request last asked for.
    public mutating func receive(_ outcome: Outcome) -> [Action] {
        precondition(isWaiting, "an outcome without a request")
        isWaiting = false
        var actions = handle(outcome)
        if !actions.contains(where: \.endsInput) { actions += drain() }
        return actions
    }

    /// The connection ended: take the avatar out of its space and the party off the board.
    public mutating func end() {
        moves.walk(in: nil)
        noteLeaving()
        presence?.link.close()
        if let party = identity?.party { environment.board.detach(party) }
        state = .closed
        queued.removeAll()
        queuedNext = 0
    }

    /// Handles queued messages until one asks for something or closes the connection.
    private mutating func drain() -> [Action] {
        var actions: [Action] = []
        while !isWaiting, queuedNext < queued.count {
            let item = queued[queuedNext]
            queuedNext += 1
            switch item {
            case .success(let message): actions += handle(message)
            case .failure(let error): actions += protocolError(error.errorCode, "\(error.field): \(error.reason)")
            }
            if actions.contains(where: \.endsInput) {
                queued.removeAll()
                queuedNext = 0
                break
            }
        }
        return actions
    }

    // MARK: Helpers for the message handlers

    /// Asks for `request`; the machine reads nothing more until its outcome comes back.
    mutating func ask(_ request: Request) -> [Action] {
        precondition(pending != nil, "a request without what it is for")
        isWaiting = true
        return [.perform(request)]
    }

    func reply(_ code: ErrorCode, _ text: String) -> [Action] {
        [.send(.error(code: code, message: text))]
    }

    /// A refused request: told to the client, and counted towards the flood limit.
    mutating func refuse(_ text: String) -> [Action] {
        [.send(.error(code: .rateLimited, message: text))] + violation()
    }

    mutating func violation() -> [Action] {
        guard buckets.violations.take(nowS: environment.clock.monotonicS()) else {
            return [.close(code: CloseCode.flooding, reason: "flooding: too many messages over the rate limits")]
        }
        return []
    }

    mutating func protocolError(_ code: ErrorCode, _ text: String) -> [Action] {
        let told = Action.send(.error(code: code, message: text))
        guard buckets.errors.take(nowS: environment.clock.monotonicS()) else {
            return [told, .close(code: CloseCode.protocolErrors, reason: "too many malformed messages")]
        }
        return [told]
    }

    /// Takes from the account's shared bucket (guests have only the connection's).
    func takeAccount(_ kind: AccountLimiter.Kind) -> Bool {
        guard let account = identity?.account else { return true }
        return environment.accountLimits.take(kind, account: account)
    }

    func post(_ command: SpaceCommand, to link: ClientLink) -> [Action] {
        link.post(command: command) ? [] : reply(.rateLimited, "too many requests in one tick")
    }

    /// Remembers which persona left, for `PersonaSwitchGuard`.
    func noteLeaving() {
        if let account = identity?.account, let persona = presence?.link.walker.personaId {
            environment.personaSwitch.left(account: account, persona: persona)
        }
    }
}

extension ConnectionStateMachine.Action {
    /// Whether nothing more is read after this action.
    var endsInput: Bool {
        if case .close = self { true } else { false }
    }
}
