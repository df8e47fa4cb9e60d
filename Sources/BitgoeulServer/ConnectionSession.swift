import Foundation
import Logging
import NIOCore
import Realtime
import Storage
import Wire
import WorldModel

/// The protocol state of one WebSocket connection: hello, join, then intents into the space.
///
/// Owned by the connection's task (no sharing, no locks). It checks every message against the
/// rules and the per-connection rate limits before anything reaches the space's tick.
struct ConnectionSession {
    /// What the connection task must do after a frame.
    enum Action {
        case close(code: UInt16, reason: String)
        case startWriter(AsyncStream<ByteBuffer>)
        /// The connection speaks for this account: end it when the account is erased or banned.
        case watch(account: Int64)
    }

    enum Phase { case awaitingHello, ready, joined }

    let services: Services
    let direct: AsyncStream<ByteBuffer>.Continuation
    var phase = Phase.awaitingHello
    private(set) var accountId: Int64?
    var link: ClientLink?
    /// Who safety rules bind on this connection: the account, or a number for this guest connection.
    private(set) var party: Int64?
    /// When the persona walked as was made (nil for guests): young personas may not post links.
    private(set) var personaCreatedAt: Date?
    /// Spaces the account moderates (crowd alerts reach it there).
    private(set) var moderatedSpaces: Set<String> = []
    /// Spaces where the account may lead tours (docent and up).
    private(set) var guideSpaces: Set<String> = []
    var relates: TokenBucket
    var reports: TokenBucket
    private var moves: TokenBucket
    private var chats: TokenBucket
    private var joins: TokenBucket
    private var presence: TokenBucket
    private var pings: TokenBucket
    private var errors: TokenBucket
    private var violations: TokenBucket
    private var movesDropped = 0

    init(services: Services, direct: AsyncStream<ByteBuffer>.Continuation) {
        self.services = services
        self.direct = direct
        let l = services.config.limits
        let now = monotonicSeconds()
        moves = TokenBucket(ratePerS: l.movesPerS, burst: l.movesBurst, nowS: now)
        chats = TokenBucket(ratePerS: l.chatPerS, burst: l.chatBurst, nowS: now)
        joins = TokenBucket(ratePerS: l.joinsPerS, burst: l.joinsBurst, nowS: now)
        presence = TokenBucket(ratePerS: l.presencePerS, burst: l.presenceBurst, nowS: now)
        pings = TokenBucket(ratePerS: l.pingsPerS, burst: l.pingsBurst, nowS: now)
        errors = TokenBucket(ratePerS: l.errorsPerS, burst: l.errorsBurst, nowS: now)
        violations = TokenBucket(ratePerS: l.violationsPerS, burst: l.violationsBurst, nowS: now)
        relates = TokenBucket(ratePerS: l.relatePerS, burst: l.relateBurst, nowS: now)
        reports = TokenBucket(ratePerS: l.reportsPerS, burst: l.reportsBurst, nowS: now)
    }

    /// Handles one binary frame; returns what the connection must do next.
    mutating func receive(frame: ByteBuffer) async -> [Action] {
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
        var actions: [Action] = []
        for item in decoded {
            switch item {
            case .success(let message):
                actions += await handle(message)
            case .failure(let error):
                actions += protocolError(error.errorCode, "\(error.field): \(error.reason)")
            }
            if actions.contains(where: { if case .close = $0 { true } else { false } }) { break }
        }
        return actions
    }

    /// Remembers which persona left, for `PersonaSwitchGuard`.
    func noteLeaving() {
        if let accountId, let persona = link?.walker.personaId {
            services.personaSwitch.left(account: accountId, persona: persona)
        }
    }

    /// A text frame: the protocol is binary only.
    mutating func receiveText() -> [Action] {
        protocolError(.badMessage, "this endpoint speaks the binary protocol (docs/protocol.md), not text")
    }

    /// The connection ended: take the avatar out of its space.
    func end() {
        noteLeaving()
        link?.close()
        if let party { services.engine.safety.detach(party) }
    }

    // MARK: Messages

    private mutating func handle(_ message: ClientMessage) async -> [Action] {
        if phase == .awaitingHello {
            guard case .hello(let version, let token) = message else {
                return [.close(code: CloseCode.helloTimeout, reason: "send hello first")]
            }
            return await hello(version: version, token: token)
        }
        if let current = link, current.isClosed {
            // A moderator removed the avatar: the connection is back to choosing a space.
            link = nil
            phase = .ready
        }
        let now = monotonicSeconds()
        switch message {
        case .hello:
            return protocolError(.badMessage, "hello was already sent")
        case .join(let space, let personaId):
            guard joins.take(nowS: now), takeAccount(.join) else { return refuse("joining too often") }
            return await join(space: space, personaId: personaId)
        case .joinGuest(let space, let name, let appearance):
            guard joins.take(nowS: now), takeAccount(.join) else { return refuse("joining too often") }
            return joinGuest(space: space, name: name, appearance: appearance)
        case .move(let intent):
            guard let link, phase == .joined else { return reply(.notJoined, "join a space first") }
            guard moves.take(nowS: now) else {
                // Moves are state: extra ones are dropped. A stalled network delivers a burst of them
                // at once, so only every tenth dropped move counts towards the flood limit.
                movesDropped += 1
                return movesDropped % 10 == 0 ? violation() : []
            }
            let limit: Float = 1_000_000
            guard abs(intent.x) < limit, abs(intent.y) < limit, abs(intent.z) < limit else {
                return protocolError(.invalidValue, "move: coordinates are metres within ±1e6")
            }
            link.post(move: intent)
            return []
        case .chat(let scope, let text):
            guard let link, phase == .joined else { return reply(.notJoined, "join a space first") }
            guard chats.take(nowS: now), takeAccount(.chat) else {
                return refuse("chatting too fast: at most \(services.config.limits.chatPerS) a second")
            }
            let clean = String(
                text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) }
            )
            .trimmingWhitespace()
            guard !clean.isEmpty else { return reply(.invalidValue, "chat text is empty") }
            guard clean.count <= WireFormat.chatLengthMax else {
                return reply(.textTooLong, "chat is at most \(WireFormat.chatLengthMax) characters")
            }
            if LinkDetector.containsLink(clean) && !mayPostLinks {
                return reply(.notAllowed, "links in chat are for personas older than a day")
            }
            return post(.chat(scope: scope, text: services.words.mask(clean)), to: link)
        case .teleportPortal(let portal):
            guard let link, phase == .joined else { return reply(.notJoined, "join a space first") }
            guard joins.take(nowS: now) else { return refuse("teleporting too often") }
            return post(.teleportPortal(portal), to: link)
        case .teleportSpace(let space):
            guard let link, phase == .joined else { return reply(.notJoined, "join a space first") }
            guard joins.take(nowS: now) else { return refuse("teleporting too often") }
            guard services.engine.directory[space] != nil else { return reply(.unknownSpace, "no space '\(space)'") }
            return post(.teleportSpace(space), to: link)
        case .presenceRequest:
            guard let link, phase == .joined else { return reply(.notJoined, "join a space first") }
            guard presence.take(nowS: now) else { return refuse("asking for presence too often") }
            return post(.presence, to: link)
        case .ping(let clientTime):
            guard pings.take(nowS: now) else { return refuse("pinging too often") }
            send(.pong(clientTimeMs: clientTime, serverTimeMs: Date().timeIntervalSince1970 * 1000))
            return []
        case .leave:
            guard let link, phase == .joined else { return reply(.notJoined, "not in a space") }
            noteLeaving()
            link.close()
            self.link = nil
            phase = .ready
            send(.left(reason: .requested))
            return []
        case .setBoundary(let mode):
            guard let link, phase == .joined else { return reply(.notJoined, "join a space first") }
            return post(.setBoundary(mode), to: link)
        case .relate(let action, let entity):
            guard relates.take(nowS: now) else { return refuse("blocking, muting and befriending too often") }
            return await relate(action, entity: entity)
        case .report(let entity, let category, let block, let note):
            return await report(entity: entity, category: category, block: block, note: note)
        case .tour(let action, let entity):
            guard let link, phase == .joined else { return reply(.notJoined, "join a space first") }
            guard relates.take(nowS: now) else { return refuse("starting, joining and leaving tours too often") }
            return post(.tour(action, entity), to: link)
        case .tourStop(let artwork):
            guard let link, phase == .joined else { return reply(.notJoined, "join a space first") }
            guard chats.take(nowS: now) else { return refuse("announcing stops too fast") }
            return post(.tourStop(artwork), to: link)
        }
    }

    private mutating func hello(version: UInt16, token: String) async -> [Action] {
        guard version == WireFormat.version else {
            return [
                .close(
                    code: CloseCode.versionUnsupported,
                    reason: "protocol version \(version) is not supported; this server speaks \(WireFormat.version)")
            ]
        }
        if !token.isEmpty {
            let account: Int64?
            do {
                account = try await services.account(forToken: token)
            } catch {
                return [.close(code: CloseCode.goingAway, reason: "the server cannot check sessions right now")]
            }
            guard let account else {
                return [.close(code: CloseCode.unauthorized, reason: "invalid or expired session token; sign in again")]
            }
            accountId = account
            guard services.engine.safety.connections(of: account) < services.config.connectionsPerAccountMax else {
                return [
                    .close(
                        code: CloseCode.policyViolation,
                        reason: "this account has \(services.config.connectionsPerAccountMax) connections open already")
                ]
            }
        }
        let party = accountId ?? SafetyBoard.newGuestParty()
        do {
            var rules: PartyRules?
            if let accountId {
                rules = try await services.rules.load(account: accountId)
                let roles = try await services.store.roles(account: accountId)
                moderatedSpaces = Set(roles.filter { $0.value >= .moderator }.keys)
                guideSpaces = Set(roles.filter { $0.value >= .docent }.keys)
            }
            services.engine.safety.attach(party, rules: rules)
        } catch {
            return [.close(code: CloseCode.goingAway, reason: "the server cannot load safety settings right now")]
        }
        self.party = party
        phase = .ready
        send(
            .welcome(
                version: WireFormat.version, tickHz: UInt8(services.config.realtime.tickHz), guest: accountId == nil))
        return accountId.map { [.watch(account: $0)] } ?? []
    }

    private mutating func join(space id: String, personaId: Int64) async -> [Action] {
        guard phase == .ready else { return reply(.alreadyJoined, "already in a space: leave or teleport") }
        guard let handle = services.engine.directory[id] else { return reply(.unknownSpace, "no space '\(id)'") }
        guard let accountId else {
            return reply(.unknownPersona, "guests have no personas: sign in, or use joinGuest")
        }
        let found: (accountId: Int64, persona: Persona, createdAt: Date)?
        do {
            found = try await services.store.persona(id: personaId)
        } catch {
            return reply(.busy, "the server cannot load personas right now")
        }
        guard let found, found.accountId == accountId else {
            return reply(.unknownPersona, "persona \(personaId) is not one of yours")
        }
        if let wait = services.personaSwitch.delay(account: accountId, persona: personaId) {
            // Another persona of this account just left: enter a little later, at a random moment.
            try? await Task.sleep(for: .seconds(wait))
        }
        let walker = Walker(
            accountId: accountId, personaId: personaId, name: found.persona.name, appearance: found.persona.appearance,
            party: party)
        personaCreatedAt = found.createdAt
        return enter(handle, as: walker)
    }

    private mutating func joinGuest(space id: String, name: String, appearance: Appearance) -> [Action] {
        guard phase == .ready else { return reply(.alreadyJoined, "already in a space: leave or teleport") }
        guard let handle = services.engine.directory[id] else { return reply(.unknownSpace, "no space '\(id)'") }
        guard handle.space.allowGuests || accountId != nil else {
            return reply(.guestsNotAllowed, "'\(id)' is for signed-in visitors")
        }
        let valid: String
        do {
            valid = try PersonaName.validate(name)
        } catch {
            return reply(.badName, error.reason)
        }
        personaCreatedAt = nil
        return enter(
            handle, as: Walker(accountId: accountId, personaId: nil, name: valid, appearance: appearance, party: party))
    }

    private mutating func enter(_ handle: SpaceHandle, as walker: Walker) -> [Action] {
        if let party, let until = services.engine.safety.rules(party).barred(from: handle.id, now: Date()) {
            return reply(.sanctioned, "a moderator barred you from '\(handle.id)' until \(until) (UTC)")
        }
        var walker = walker
        walker.moderatedSpaces = moderatedSpaces
        walker.guideSpaces = guideSpaces
        let rt = services.config.realtime
        let (link, stream) = ClientLink.makeStreaming(
            walker: walker, framesMax: rt.outboxFramesMax, commandsMax: rt.commandsPerTickMax)
        guard handle.admit(link) else {
            link.close()
            return reply(.spaceFull, "'\(handle.id)' is full (\(handle.space.capacity) people); try another space")
        }
        self.link = link
        phase = .joined
        return [.startWriter(stream)]
    }

    // MARK: Replies and limits

    /// Personas older than a day may post links; guests never.
    private var mayPostLinks: Bool {
        guard let created = personaCreatedAt else { return false }
        return Date().timeIntervalSince(created) >= 24 * 3600
    }

    /// Takes from the account's shared bucket (guests have only the connection's).
    func takeAccount(_ kind: AccountLimiter.Kind) -> Bool {
        guard let accountId else { return true }
        return services.accountLimits.take(kind, account: accountId)
    }

    func post(_ command: SpaceCommand, to link: ClientLink) -> [Action] {
        if !link.post(command: command) { return reply(.rateLimited, "too many requests in one tick") }
        return []
    }

    func send(_ message: ServerMessage) {
        var buffer = ByteBuffer()
        message.encode(into: &buffer)
        direct.yield(buffer)
    }

    func reply(_ code: ErrorCode, _ text: String) -> [Action] {
        send(.error(code: code, message: text))
        return []
    }

    /// A refused request: told to the client, and counted towards the flood limit.
    mutating func refuse(_ text: String) -> [Action] {
        send(.error(code: .rateLimited, message: text))
        return violation()
    }

    private mutating func violation() -> [Action] {
        guard violations.take(nowS: monotonicSeconds()) else {
            return [.close(code: CloseCode.flooding, reason: "flooding: too many messages over the rate limits")]
        }
        return []
    }

    private mutating func protocolError(_ code: ErrorCode, _ text: String) -> [Action] {
        send(.error(code: code, message: text))
        guard errors.take(nowS: monotonicSeconds()) else {
            return [.close(code: CloseCode.protocolErrors, reason: "too many malformed messages")]
        }
        return []
    }
}
