import Clocks
import Foundation
import Privacy
import Wire
import WorldModel

/// An hour that closed soon after this node took the space over, waiting for the old node's part.
struct HeldHour {
    var tally: VisitTally
    var untilTick: UInt32
}

/// A tour that came with a parcel, waiting for its people to arrive here.
struct PendingTour {
    /// The guide: a person (by persona) or an NPC docent here (by entity id).
    var guidePersona: Int64?
    var guideEntity: UInt32?
    var followers: Set<Int64>
    /// After this tick nobody else is waited for.
    var untilTick: UInt32
}

extension SpaceInstance {
    /// How long people of a parcel are waited for (their clients reconnect within seconds).
    static let parcelWaitS: Float = 60
    /// Entities one sample of a parcel may hold: avatars up to the space's capacity plus digital
    /// humans (a live crowd has at most 5,000 per crowd and two crowds per space).
    static let frameEntitiesMax = 50_000
    /// Tours (led by people or by NPC docents) a parcel may bring.
    public static let parcelToursMax = 64

    /// Takes in the parcels that came from the node that served this space before: the evidence
    /// window (its people under fresh ids until they are here again), the hour's visits, tours and
    /// crowds. Tours wait `parcelWaitS` for their people. A parcel is taken in once.
    func absorbParcels() {
        let parcels = handle.takeParcels()
        for arriving in parcels {
            let parcel = arriving.parcel
            guard parcel.v == 1, parcel.space == handle.id, !parcelsTaken.contains(parcel.id) else { continue }
            parcelsTaken.insert(parcel.id)
            let tickHz = Double(config.tickHz)
            let gapS = min(max(0, clock.now().timeIntervalSince1970 - parcel.stoppedAt), Double(config.evidenceWindowS))
            // Older than anything recorded here, whatever the two nodes' clocks say.
            absorbEvidence(parcel.evidence, gapTicks: max(UInt32(gapS * tickHz), tickNumber))
            absorbVisits(parcel)
            let wait = tickNumber &+ UInt32(Self.parcelWaitS * Float(config.tickHz))
            for tour in parcel.tours.prefix(Self.parcelToursMax) {
                pendingTours.append(
                    PendingTour(
                        guidePersona: tour.guide, guideEntity: nil, followers: Set(tour.followers), untilTick: wait))
            }
            for (k, guide) in parcel.guides.enumerated().prefix(Self.parcelToursMax) {
                guard k < arriving.guides.count, let mind = arriving.guides[k],
                    handle.space.bounds.contains(Point(Double(guide.x), Double(guide.y)))
                else { continue }
                let id = addGuide(mind, x: guide.x, y: guide.y)
                pendingTours.append(
                    PendingTour(guidePersona: nil, guideEntity: id, followers: Set(guide.followers), untilTick: wait))
            }
            for crowd in arriving.crowds where !crowds.contains(where: { $0.crowd.id == crowd.id }) {
                crowds.append(CrowdState(crowd: crowd))
            }
        }
        if !parcels.isEmpty {
            for i in members.indices where !members[i].simulated { welcomeBack(i) }
        }
        if !pendingTours.isEmpty {
            // Done when the guide and everyone following are back, or when the wait is over.
            pendingTours.removeAll {
                ($0.guideEntity != nil && $0.followers.isEmpty) || Int32(bitPattern: tickNumber &- $0.untilTick) >= 0
            }
        }
    }

    /// The member at `i` (just arrived, or here when a parcel came) takes back their place in the
    /// parcel's evidence and tours.
    func welcomeBack(_ i: Int) {
        guard let persona = members[i].link.walker.personaId else { return }
        if let placeholder = pendingAliases.removeValue(forKey: persona) {
            evidenceAliases[placeholder] = members[i].id
        }
        for t in pendingTours.indices {
            if pendingTours[t].guidePersona == persona && pendingTours[t].guideEntity == nil {
                members[i].guiding = true
                members[i].following = 0
                pendingTours[t].guideEntity = members[i].id
                // As when a tour starts: everyone here who may see the guide hears of it.
                for k in members.indices
                where !members[k].simulated && !members[k].rules.hidden.contains(members[i].party) {
                    appendEvent(.notice(kind: .tour, entityId: members[i].id, text: "started"), to: k)
                }
                // Those of the tour who are here already follow again.
                for k in members.indices where k != i && mayFollow(k, guide: i) {
                    guard let p = members[k].link.walker.personaId, pendingTours[t].followers.remove(p) != nil
                    else { continue }
                    follow(k, guide: members[i].id)
                }
            } else if let guide = pendingTours[t].guideEntity, pendingTours[t].followers.contains(persona),
                let g = members.firstIndex(where: { $0.id == guide && $0.guiding }), mayFollow(i, guide: g)
            {
                pendingTours[t].followers.remove(persona)
                follow(i, guide: guide)
            }
        }
    }

    /// Whether the member at `k` may follow the guide at `g` again (as `tour(.join)` allows).
    private func mayFollow(_ k: Int, guide g: Int) -> Bool {
        !members[k].simulated && !members[k].guiding && members[k].following == 0 && k != g
            && !members[k].rules.hidden.contains(members[g].party)
    }

    private func follow(_ k: Int, guide: UInt32) {
        members[k].following = guide
        appendEvent(.notice(kind: .tour, entityId: guide, text: "joined"), to: k)
    }

    /// The parcel's frames and chat lines, older than anything recorded here, their people under
    /// fresh placeholder ids (ids of two nodes are unrelated); signed-in people are matched to
    /// their avatar here as they arrive (`evidenceAliases`).
    func absorbEvidence(_ parcel: EvidenceParcel, gapTicks: UInt32) {
        guard config.safety, (1...1000).contains(parcel.tickHz) else { return }
        let scale = Double(config.tickHz) / parcel.tickHz
        var placeholders: [UInt32: UInt32] = [:]
        func placeholder(_ old: UInt32) -> UInt32 {
            if let id = placeholders[old] { return id }
            let id = EntityIds.take()
            placeholders[old] = id
            return id
        }
        func tick(_ ago: UInt32) -> UInt32 { tickNumber &- gapTicks &- UInt32(min(Double(ago) * scale, 1e9)) }
        var frames: [PositionFrame] = []
        for frame in parcel.frames.suffix(evidence.framesMax) {
            guard let (ids, xs, ys) = EvidenceParcel.unpack(frame.packed), ids.count <= Self.frameEntitiesMax
            else { continue }
            let order = ids.indices.map { (placeholder(ids[$0]), $0) }.sorted { $0.0 < $1.0 }
            frames.append(
                PositionFrame(
                    tick: tick(frame.agoTicks), ids: order.map(\.0), xs: order.map { xs[$0.1] },
                    ys: order.map { ys[$0.1] }))
        }
        let chats = parcel.chats.suffix(EvidenceBuffer.chatsMax).compactMap { chat -> ChatRecord? in
            guard let scope = ChatScope(rawValue: chat.scope) else { return nil }
            return ChatRecord(
                tick: tick(chat.agoTicks), fromId: placeholder(chat.fromId), name: chat.name, scope: scope,
                text: chat.text, x: chat.x, y: chat.y)
        }
        evidence.absorb(olderFrames: frames, olderChats: chats, now: tickNumber)
        for (old, persona) in parcel.personas {
            guard let id = placeholders[old] else { continue }
            pendingAliases[persona] = id
        }
    }

    /// The hour counted so far on the old node becomes this space's tally (with the old salt, so a
    /// person counted there and here is one visitor). When that hour already closed here (the move
    /// crossed the hour), it completes the hour held back for it (`holdOrRelease`).
    func absorbVisits(_ parcel: SpaceParcel) {
        guard let outbox = visitOutbox, parcel.visitSalt.isWellFormed,
            var carried = VisitTally(checkpoint: parcel.visits, grid: visits.grid)
        else { return }
        if carried.hourStart == visits.hourStart {
            let interim = visits
            visitSalt = parcel.visitSalt
            var rekey: [UInt64: UInt64] = [:]
            for i in members.indices where !members[i].simulated {
                let key = visitKey(for: members[i].link.walker, entity: members[i].id)
                rekey[members[i].visitKey] = key
                members[i].visitKey = key
            }
            carried.absorb(interim, rekey: rekey)
            visits = carried
        } else if var held = heldHour, held.tally.hourStart == carried.hourStart {
            // Each tally under its own salt: someone present on both sides of the move counts twice.
            carried.countedUntil = held.tally.countedUntil
            carried.absorb(held.tally, rekey: [:])
            held.tally = carried
            heldHour = nil
            outbox.send(ClosedHour(space: handle.id, tally: held.tally))
        }
        // An older hour, or one ahead by the clocks' difference, cannot be completed here: the old
        // node's part of it is lost and its release (if any) says it is partial.
    }

    /// Hands a closed hour to the statistics, except the first hour a space closes on a node of a
    /// cluster just after taking it over: that one waits up to `parcelWaitS` for the old node's
    /// part of it (a move just before the hour's end).
    func holdOrRelease(_ closed: VisitTally) {
        guard let outbox = visitOutbox else { return }
        if expectsParcels && parcelsTaken.isEmpty && !heldFirstHour {
            heldFirstHour = true
            heldHour = HeldHour(tally: closed, untilTick: tickNumber &+ UInt32(Self.parcelWaitS * Float(config.tickHz)))
            return
        }
        outbox.send(ClosedHour(space: handle.id, tally: closed))
    }

    /// Releases the held hour once its wait is over.
    func releaseHeldHour() {
        guard let held = heldHour, Int32(bitPattern: tickNumber &- held.untilTick) >= 0 else { return }
        heldHour = nil
        visitOutbox?.send(ClosedHour(space: handle.id, tally: held.tally))
    }

    /// The window of `evidence` with each placeholder id of a parcel's person replaced by their
    /// avatar's id here, so a report reads one person across the move.
    func aliased(_ frames: [PositionFrame], _ chats: [ChatRecord]) -> ([PositionFrame], [ChatRecord]) {
        guard !evidenceAliases.isEmpty else { return (frames, chats) }
        let frames = frames.map { frame -> PositionFrame in
            let order = frame.ids.indices.map { (evidenceAliases[frame.ids[$0]] ?? frame.ids[$0], $0) }
                .sorted { $0.0 < $1.0 }
            return PositionFrame(
                tick: frame.tick, ids: order.map(\.0), xs: order.map { frame.xs[$0.1] },
                ys: order.map { frame.ys[$0.1] })
        }
        let chats = chats.map { chat in
            ChatRecord(
                tick: chat.tick, fromId: evidenceAliases[chat.fromId] ?? chat.fromId, name: chat.name,
                scope: chat.scope, text: chat.text, x: chat.x, y: chat.y)
        }
        return (frames, chats)
    }

    /// Drops what only old evidence needed: personas of ids no longer in the window or here.
    func prunePersonas() {
        let (frames, chats) = evidence.window(now: tickNumber)
        var keep = Set(members.map(\.id))
        for frame in frames { keep.formUnion(frame.ids) }
        for chat in chats { keep.insert(chat.fromId) }
        personaOf = personaOf.filter { keep.contains($0.key) }
        evidenceAliases = evidenceAliases.filter { keep.contains($0.key) }
        pendingAliases = pendingAliases.filter { keep.contains($0.value) }
    }
}

extension EvidenceBuffer {
    /// Puts `olderFrames` and `olderChats` (oldest first) before what this buffer holds, keeping
    /// the newest that fit.
    mutating func absorb(olderFrames: [PositionFrame], olderChats: [ChatRecord], now: UInt32) {
        let (frames, chats) = window(now: now)
        replace(
            frames: Array((olderFrames + frames).suffix(framesMax)),
            chats: Array((olderChats + chats).suffix(Self.chatsMax)))
    }
}
