import Accounts
import Clocks
import Foundation
import Realtime
import Safety
import Wire
import WorldModel

/// Messages by state: before hello, between spaces, and in a space.
extension ConnectionStateMachine {
    mutating func handle(_ message: ClientMessage) -> [Action] {
        switch state {
        case .awaitingHello:
            switch message {
            case .hello(let version, let token): return hello(version: version, token: token)
            case .handoff(let version, let ticket): return handoff(version: version, ticket: ticket)
            case .visit(let version, let ticket): return visit(version: version, ticket: ticket)
            default: return [.close(code: CloseCode.helloTimeout, reason: "send hello first")]
            }
        case .ready(let who):
            return handleBetweenSpaces(message, as: who)
        case .joined(let who, let presence):
            guard !presence.link.isClosed else {
                // A moderator removed the avatar: the connection is back to choosing a space.
                state = .ready(who)
                return handleBetweenSpaces(message, as: who)
            }
            return handleInSpace(message, as: who, in: presence)
        case .greeting, .entering, .closed:
            // Messages wait while a request is out, and none are read after the end.
            preconditionFailure("a message in state \(state)")
        }
    }

    /// Messages that mean the same wherever the connection is; nil for the others.
    private mutating func handleAnywhere(_ message: ClientMessage) -> [Action]? {
        let now = environment.clock.monotonicS()
        switch message {
        case .hello, .handoff, .visit:
            return protocolError(.badMessage, "hello was already sent")
        case .ping(let clientTime):
            guard buckets.pings.take(nowS: now) else { return refuse("pinging too often") }
            let serverTimeMs = environment.clock.now().timeIntervalSince1970 * 1000
            return [.send(.pong(clientTimeMs: clientTime, serverTimeMs: serverTimeMs))]
        default:
            return nil
        }
    }

    private mutating func handleBetweenSpaces(_ message: ClientMessage, as who: Identity) -> [Action] {
        if let actions = handleAnywhere(message) { return actions }
        let now = environment.clock.monotonicS()
        switch message {
        case .join(let space, let personaId):
            guard buckets.joins.take(nowS: now), takeAccount(.join) else { return refuse("joining too often") }
            return join(space: space, personaId: personaId, as: who)
        case .joinGuest(let space, let name, let appearance):
            guard buckets.joins.take(nowS: now), takeAccount(.join) else { return refuse("joining too often") }
            return joinGuest(space: space, name: name, appearance: appearance, as: who)
        case .relate:
            guard buckets.relates.take(nowS: now) else {
                return refuse("blocking, muting and befriending too often")
            }
            return reply(.notJoined, "join a space first")
        case .leave:
            return reply(.notJoined, "not in a space")
        default:
            return reply(.notJoined, "join a space first")
        }
    }

    private mutating func handleInSpace(_ message: ClientMessage, as who: Identity, in presence: Presence)
        -> [Action]
    {
        if let actions = handleAnywhere(message) { return actions }
        let now = environment.clock.monotonicS()
        let link = presence.link
        switch message {
        case .join, .joinGuest:
            guard buckets.joins.take(nowS: now), takeAccount(.join) else { return refuse("joining too often") }
            return reply(.alreadyJoined, "already in a space: leave or teleport")
        case .move(let intent):
            return move(intent, through: link)
        case .chat(let scope, let text):
            return chat(scope: scope, text: text, in: presence)
        case .teleportPortal(let portal):
            guard buckets.joins.take(nowS: now) else { return refuse("teleporting too often") }
            return post(.teleportPortal(portal), to: link)
        case .teleportSpace(let space):
            guard buckets.joins.take(nowS: now) else { return refuse("teleporting too often") }
            guard environment.directory[space] != nil else { return reply(.unknownSpace, "no space '\(space)'") }
            return post(.teleportSpace(space), to: link)
        case .presenceRequest:
            guard buckets.presence.take(nowS: now) else { return refuse("asking for presence too often") }
            return post(.presence, to: link)
        case .leave:
            noteLeaving()
            link.close()
            state = .ready(who)
            return [.send(.left(reason: .requested))]
        case .setBoundary(let mode):
            boundary = mode
            return post(.setBoundary(mode), to: link)
        case .layer(let proposal, let version):
            return post(.setLayer(proposal: proposal, version: version), to: link)
        case .relate(let action, let entity):
            guard buckets.relates.take(nowS: now) else {
                return refuse("blocking, muting and befriending too often")
            }
            return relate(action, entity: entity, as: who, in: presence)
        case .report(let entity, let category, let block, let note):
            return report(entity: entity, category: category, block: block, note: note, as: who, in: presence)
        case .tour(let action, let entity):
            guard buckets.relates.take(nowS: now) else {
                return refuse("starting, joining and leaving tours too often")
            }
            return post(.tour(action, entity), to: link)
        case .tourStop(let artwork):
            guard buckets.chats.take(nowS: now) else { return refuse("announcing stops too fast") }
            return post(.tourStop(artwork), to: link)
        case .hello, .handoff, .visit, .ping:
            preconditionFailure("handled anywhere")
        }
    }

    private mutating func move(_ intent: MoveIntent, through link: ClientLink) -> [Action] {
        switch moves.admit(intent, to: link) {
        case .posted: return []
        case .dropped(let countsAsViolation): return countsAsViolation ? violation() : []
        case .outOfRange: return protocolError(.invalidValue, "move: coordinates are metres within ±1e6")
        }
    }

    private mutating func chat(scope: ChatScope, text: String, in presence: Presence) -> [Action] {
        guard buckets.chats.take(nowS: environment.clock.monotonicS()), takeAccount(.chat) else {
            return refuse("chatting too fast: at most \(environment.limits.chatPerS) a second")
        }
        let verdict = ChatText.check(
            text, lengthMax: WireFormat.chatLengthMax, personaCreatedAt: presence.personaCreatedAt,
            now: environment.clock.now(), words: environment.words)
        switch verdict {
        case .empty: return reply(.invalidValue, "chat text is empty")
        case .tooLong(let max): return reply(.textTooLong, "chat is at most \(max) characters")
        case .linkNotAllowed: return reply(.notAllowed, "links in chat are for personas older than a day")
        case .post(let clean): return post(.chat(scope: scope, text: clean), to: presence.link)
        }
    }
}
