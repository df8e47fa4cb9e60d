import Clocks
import Foundation
import NIOCore
import Synchronization
import Wire
import WorldModel

/// Commands, chat and presence: what members ask of the space, with the safety rules applied.
extension SpaceInstance {
    /// Carries out one command; returns a reason when the member leaves the space.
    func handle(_ command: SpaceCommand, from i: Int) -> LeaveReason? {
        switch command {
        case .chat(let scope, let text):
            if scope == .tour && !members[i].guiding {
                appendEvent(.error(code: .notAllowed, message: "only a tour's guide speaks to the whole tour"), to: i)
                return nil
            }
            if config.safety && members[i].rules.isMuted(in: handle.id, now: clock.now()) {
                appendEvent(.error(code: .sanctioned, message: "a moderator muted you in this space for now"), to: i)
                return nil
            }
            let m = members[i]
            var buffer = allocator.buffer(capacity: 8 + m.nameUTF8.count + text.utf8.count)
            ServerMessage.chat(
                ChatEvent(fromEntity: m.id, scope: scope, name: String(decoding: m.nameUTF8, as: UTF8.self), text: text)
            ).encode(into: &buffer)
            chats.append(PendingChat(fromId: m.id, party: m.party, x: m.x, y: m.y, message: buffer, scope: scope))
            if config.safety {
                evidence.record(
                    ChatRecord(
                        tick: tickNumber, fromId: m.id, name: String(decoding: m.nameUTF8, as: UTF8.self),
                        scope: scope, text: text, x: m.x, y: m.y))
            }
            return nil
        case .presence:
            members[i].wantsPresence = true
            return nil
        case .teleportPortal(let portalId):
            guard let portal = handle.space.portals.first(where: { $0.id == portalId }) else {
                appendEvent(.error(code: .unknownPortal, message: "no portal '\(portalId)' in this space"), to: i)
                return nil
            }
            let dx = Double(members[i].x) - portal.position.x
            let dy = Double(members[i].y) - portal.position.y
            guard dx * dx + dy * dy <= portal.radius * portal.radius else {
                appendEvent(
                    .error(code: .notNearPortal, message: "walk within \(portal.radius) m of the portal to use it"),
                    to: i)
                return nil
            }
            if let city = portal.city {
                // Another city's space: the client asks its home server for a travel ticket.
                appendEvent(.travel(city: city, space: portal.target), to: i)
                return nil
            }
            return teleport(i, to: portal.target)
        case .teleportSpace(let target):
            return teleport(i, to: target)
        case .setBoundary(let mode):
            members[i].boundary = mode
            return nil
        case .setLayer(let proposal, let version):
            setLayer(i, proposal: proposal, version: version)
            return nil
        case .tour(let action, let guide):
            tour(action, guide: guide, by: i)
            return nil
        case .tourStop(let artwork):
            guard members[i].guiding else {
                appendEvent(.error(code: .notAllowed, message: "only the guide announces stops"), to: i)
                return nil
            }
            tellTour(of: members[i].id, "stop:\(artwork)")
            return nil
        case .evidence(let request):
            request.fulfil(evidenceWindow(for: i, target: request.targetEntity))
            return nil
        case .remove(let reason):
            var frame = allocator.buffer(capacity: 64 + reason.utf8.count)
            ServerMessage.notice(kind: .moderation, entityId: 0, text: reason).encode(into: &frame)
            ServerMessage.left(reason: .kicked).encode(into: &frame)
            _ = members[i].link.deliver(frame)
            return .kicked
        case .notice(let kind, let entity, let text):
            appendEvent(.notice(kind: kind, entityId: entity, text: text), to: i)
            return nil
        }
    }

    /// The movement authority member `i` walks under: today's, or its plan layer's.
    func authority(for i: Int) -> MovementAuthority {
        members[i].layer.isEmpty ? authority : layerAuthorities[members[i].layer] ?? authority
    }

    /// Moves member `i` into a plan layer (or back to today with an empty id). Where the plan puts a
    /// wall at the avatar's feet, the avatar steps to the nearest free place.
    func setLayer(_ i: Int, proposal: String, version: UInt16) {
        let key = proposal.isEmpty ? "" : SpaceHandle.layerKey(proposal: proposal, version: Int(version))
        if !key.isEmpty {
            guard let space = handle.layers.withLock({ $0[key] }) else {
                appendEvent(
                    .error(code: .unknownLayer, message: "no plan '\(proposal)' version \(version) in this space"),
                    to: i)
                return
            }
            // A draft edited in place brings new walls under the same key: rebuild when they differ.
            if layerSpaces[key] != space {
                layerSpaces[key] = space
                layerAuthorities[key] = MovementAuthority(space: space, config: config)
            }
        }
        members[i].layer = key
        let walls = authority(for: i)
        let here = Point(Double(members[i].x), Double(members[i].y))
        if walls.obstacles.isBlocked(here) {
            let p = Self.nearestFree(to: here, in: walls.obstacles)
            members[i].x = Float(p.x)
            members[i].y = Float(p.y)
            members[i].clamped = true
        }
        members[i].targetX = members[i].x
        members[i].targetY = members[i].y
        appendEvent(.layer(proposal: proposal, version: proposal.isEmpty ? 0 : version), to: i)
    }

    /// The nearest free place to `p`: rings of growing radius (half a metre apart, up to the
    /// space's size), 32 directions each; `p` itself when the whole space is blocked.
    static func nearestFree(to p: Point, in walls: ObstacleIndex) -> Point {
        let reach = max(walls.bounds.width, walls.bounds.depth)
        var r = 0.5
        while r <= reach {
            for k in 0..<32 {
                let a = Double(k) * .pi / 16
                let q = walls.clampToBounds(Point(p.x + r * cos(a), p.y + r * sin(a)))
                if !walls.isBlocked(q) { return q }
            }
            r += 0.5
        }
        return p
    }

    /// The space's memory of the window, for a report by member `i` on the avatar `target`.
    func evidenceWindow(for i: Int, target: UInt32) -> EvidenceWindow? {
        guard config.safety, let t = members.firstIndex(where: { $0.id == target }) else { return nil }
        let window = evidence.window(now: tickNumber)
        var (frames, chats) = aliased(window.frames, window.chats)
        // Where everyone is now, too: the last sample may be up to a second old.
        frames.append(
            PositionFrame(
                tick: tickNumber, ids: members.map(\.id), xs: members.map(\.x), ys: members.map(\.y)))
        return EvidenceWindow(
            space: handle.id, frames: frames, chats: chats, now: tickNumber, tickHz: config.tickHz,
            windowS: config.evidenceWindowS, reporterId: members[i].id, reportedId: target,
            reportedName: String(decoding: members[t].nameUTF8, as: UTF8.self), nearM: config.evidenceNearM,
            proximityChatM: config.proximityChatM)
    }

    func teleport(_ i: Int, to target: String) -> LeaveReason? {
        guard let destination = directory[target] else {
            appendEvent(.error(code: .unknownSpace, message: "no space '\(target)'"), to: i)
            return nil
        }
        let link = members[i].link
        if config.safety, let until = members[i].rules.barred(from: target, now: clock.now()) {
            appendEvent(
                .error(code: .sanctioned, message: "a moderator barred you from '\(target)' until \(until) (UTC)"),
                to: i)
            return nil
        }
        if destination.space.allowGuests == false && link.walker.isGuest {
            appendEvent(.error(code: .guestsNotAllowed, message: "'\(target)' is for signed-in visitors"), to: i)
            return nil
        }
        if !destination.isServed {
            return handOver(i, to: target)
        }
        // The `left` frame goes out before the destination can send `joined`.
        var frame = allocator.buffer(capacity: 8)
        ServerMessage.left(reason: .teleported).encode(into: &frame)
        guard destination.reserve() else {
            appendEvent(.error(code: .spaceFull, message: "'\(target)' is full"), to: i)
            return nil
        }
        _ = link.deliver(frame)
        destination.enqueue(link)
        return .teleported
    }

    /// Sends member `i` to the server of the cluster that serves `target`: a `redirect` with a
    /// ticket, then `left`; or, while the space is between servers, an error to try again.
    func handOver(_ i: Int, to target: String) -> LeaveReason? {
        let passenger = HandoffPassenger(walker: members[i].link.walker, boundary: members[i].boundary)
        guard let redirect = handoffs?.redirect(to: target, carrying: passenger) else {
            appendEvent(
                .error(code: .spaceMoving, message: "'\(target)' is moving between servers; try again in a moment"),
                to: i)
            return nil
        }
        var frame = allocator.buffer(capacity: 64 + redirect.url.utf8.count + redirect.ticket.utf8.count)
        ServerMessage.redirect(url: redirect.url, ticket: redirect.ticket, space: target).encode(into: &frame)
        ServerMessage.left(reason: .teleported).encode(into: &frame)
        _ = members[i].link.deliver(frame)
        return .moved
    }

    func deliverChats() {
        for chat in chats {
            switch chat.scope {
            case .space:
                for i in members.indices where hears(i, chat.party) { appendEvent(bytes: chat.message, to: i) }
            case .proximity:
                grid.forEach(nearX: chat.x, y: chat.y, radius: config.proximityChatM) { slot, _ in
                    if hears(Int(slot), chat.party) { appendEvent(bytes: chat.message, to: Int(slot)) }
                }
            case .tour:
                // The guide's speakerphone: everyone on the tour, wherever they are in the space.
                for i in members.indices where members[i].id == chat.fromId || members[i].following == chat.fromId {
                    if hears(i, chat.party) { appendEvent(bytes: chat.message, to: i) }
                }
            }
        }
    }

    /// Whether member `i` receives chat from `party`: not if either blocked the other, or `i` muted it.
    @inline(__always)
    func hears(_ i: Int, _ party: Int64) -> Bool {
        guard config.safety else { return true }
        return !members[i].rules.hidden.contains(party) && !members[i].rules.muted.contains(party)
    }

    func deliverPresence() {
        guard members.contains(where: \.wantsPresence) else { return }
        // Presence lists people: digital humans are not in it.
        let people = members.filter { !$0.simulated }
        let entries = people.prefix(ServerMessage.presenceEntriesMax).map {
            PresenceEntry(entityId: $0.id, name: String(decoding: $0.nameUTF8, as: UTF8.self), flags: $0.flags)
        }
        var buffer = allocator.buffer(capacity: 8 + entries.count * 32)
        ServerMessage.presence(total: UInt16(min(people.count, Int(UInt16.max))), entries: entries).encode(
            into: &buffer)
        for i in members.indices where members[i].wantsPresence {
            members[i].wantsPresence = false
            let hidden = config.safety ? members[i].rules.hidden : []
            if hidden.isEmpty {
                appendEvent(bytes: buffer, to: i)
            } else {
                // Blocked people are left out, and so is the count that would betray them.
                let parties = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0.party) })
                let seen = entries.filter { !hidden.contains(parties[$0.entityId] ?? 0) }
                let total = people.count - people.filter { hidden.contains($0.party) }.count
                appendEvent(.presence(total: UInt16(min(total, Int(UInt16.max))), entries: seen), to: i)
            }
        }
    }

    /// Reloads every member's safety rules when any changed (blocks, mutes, friends, sanctions);
    /// one atomic read per tick otherwise. Members a moderator barred from here are sent away.
    func refreshRules() {
        guard config.safety else { return }
        let version = board.version
        guard version != boardVersion else { return }
        boardVersion = version
        let rules = board.rules(members.map(\.party))
        let now = clock.now()
        for i in members.indices {
            members[i].rules = rules[i]
            if let until = rules[i].barred(from: handle.id, now: now) {
                members[i].link.post(
                    system: .remove(reason: "a moderator removed you from this space until \(until) (UTC)"))
            }
        }
    }

    func appendEvent(_ message: ServerMessage, to i: Int) {
        var buffer = allocator.buffer(capacity: 64)
        message.encode(into: &buffer)
        appendEvent(bytes: buffer, to: i)
    }

    func appendEvent(bytes: ByteBuffer, to i: Int) {
        if members[i].events.readableBytes + bytes.readableBytes > config.eventBytesPerTickMax {
            members[i].eventsDropped += 1
            return
        }
        var copy = bytes
        members[i].events.writeBuffer(&copy)
    }
}
