import Foundation
import Synchronization
import Wire
import WorldModel

/// Following a cluster: redirects to the node that serves the space, joining again when the space
/// moved, and (for resilient avatars) reconnecting after a drop.
extension Avatar {
    /// Pauses before joining again while a space is between nodes: 0.25, 0.5, 1, 2, 4, 4 … s.
    static func backoffS(attempt: Int) -> Double { min(4, 0.25 * pow(2, Double(min(attempt, 5)))) }
    /// Attempts to reconnect or rejoin before the avatar gives up.
    static let attemptsMax = 30

    func sendJoin(_ join: ClientMessage) {
        memory.withLock {
            $0.lastJoin = join
            $0.rejoinAttempts = 0
        }
        connection.send(join)
    }

    /// A teleport to `space` makes it the space to enter again after a reconnection.
    func remember(space: String) {
        memory.withLock { m in
            switch m.lastJoin {
            case .join(_, let persona): m.lastJoin = .join(space: space, personaId: persona)
            case .joinGuest(_, let name, let appearance):
                m.lastJoin = .joinGuest(space: space, name: name, appearance: appearance)
            default: break
            }
        }
    }

    func react(to event: RealtimeEvent, generation: Int) {
        switch event {
        case .message(.redirect(let url, let ticket, let space)):
            remember(space: space)
            Task { await follow(url: url, ticket: ticket, from: generation) }
        case .message(.left(reason: .moved)), .message(.error(code: .spaceMoving, _)):
            Task { await rejoin(generation: generation) }
        case .message(.joined):
            memory.withLock { $0.rejoinAttempts = 0 }
            if let boundary = memory.withLock({ $0.boundary }) { connection.send(.setBoundary(boundary)) }
        case .closed(let code, _):
            let m = memory.withLock { $0 }
            if code == CloseCode.ticketRefused || (m.resilient && !m.closedByClient) {
                Task { await reconnect(from: generation) }
            }
        default:
            break
        }
    }

    /// Opens a connection to `url`, presents the ticket, and makes it the current one.
    func follow(url: String, ticket: String, from generation: Int) async {
        guard let next = try? await RealtimeConnection.connect(url: url) else {
            await reconnect(from: generation)
            return
        }
        guard let old = replace(with: next, url: url, from: generation) else {
            next.close()
            return
        }
        next.send(.handoff(version: WireFormat.version, ticket: ticket))
        old.close()
    }

    /// Joins the last space again after a pause (its node changed, or it is between nodes).
    func rejoin(generation: Int) async {
        let (join, attempt) = memory.withLock { m -> (ClientMessage?, Int) in
            m.rejoinAttempts += 1
            return (m.lastJoin, m.rejoinAttempts)
        }
        guard let join, attempt <= Self.attemptsMax else { return }
        try? await Task.sleep(for: .seconds(Self.backoffS(attempt: attempt - 1)))
        guard link.withLock({ $0.generation }) == generation else { return }
        connection.send(join)
    }

    /// Reconnects with backoff — to the node last used, then to the first one — says hello again
    /// and enters the last space.
    func reconnect(from generation: Int) async {
        for attempt in 0..<Self.attemptsMax {
            try? await Task.sleep(for: .seconds(Self.backoffS(attempt: attempt)))
            let m = memory.withLock { $0 }
            if m.closedByClient { return }
            let url = attempt.isMultiple(of: 2) ? m.currentURL : m.homeURL
            guard let next = try? await RealtimeConnection.connect(url: url) else { continue }
            guard replace(with: next, url: url, from: generation) != nil else {
                next.close()
                return
            }
            state.withLock {
                $0.reconnects += 1
                $0.closed = nil
            }
            next.send(.hello(version: WireFormat.version, token: m.token))
            if let join = m.lastJoin { next.send(join) }
            return
        }
    }

    /// Swaps in `next` if the connection is still the one of `generation`; returns the old one.
    private func replace(with next: RealtimeConnection, url: String, from generation: Int) -> RealtimeConnection? {
        let swapped: (RealtimeConnection, Int)? = link.withLock { l in
            guard l.generation == generation else { return nil }
            let old = l.connection
            l = Link(connection: next, generation: generation + 1)
            return (old, generation + 1)
        }
        guard let (old, newGeneration) = swapped else { return nil }
        memory.withLock { $0.currentURL = url }
        listen(to: next, generation: newGeneration)
        return old
    }
}
