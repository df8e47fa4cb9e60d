import Clocks
import Foundation
import Privacy
import Wire
import WorldModel

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

    /// Takes in the parcels that came from the node that served this space before: the evidence
    /// window (its people under fresh ids until they are here again), the hour's visits, tours and
    /// crowds. Tours wait `parcelWaitS` for their people.
    func absorbParcels() {
        let parcels = handle.takeParcels()
        for arriving in parcels {
            let parcel = arriving.parcel
            guard parcel.v == 1, parcel.space == handle.id else { continue }
            let tickHz = Double(config.tickHz)
            let gapS = min(max(0, clock.now().timeIntervalSince1970 - parcel.stoppedAt), Double(config.evidenceWindowS))
            absorbEvidence(parcel.evidence, gapTicks: UInt32(gapS * tickHz))
            absorbVisits(parcel)
            let wait = tickNumber &+ UInt32(Self.parcelWaitS * Float(config.tickHz))
            for tour in parcel.tours {
                pendingTours.append(
                    PendingTour(
                        guidePersona: tour.guide, guideEntity: nil, followers: Set(tour.followers), untilTick: wait))
            }
            for (k, guide) in parcel.guides.enumerated() {
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
            // Done when everyone is back, or the wait is over (`untilTick` reached, wrapping).
            pendingTours.removeAll { $0.followers.isEmpty || Int32(bitPattern: tickNumber &- $0.untilTick) >= 0 }
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
                appendEvent(.notice(kind: .tour, entityId: members[i].id, text: "started"), to: i)
                // Those of the tour who are here already follow again.
                for k in members.indices where k != i && !members[k].simulated && members[k].following == 0 {
                    guard let p = members[k].link.walker.personaId, pendingTours[t].followers.remove(p) != nil
                    else { continue }
                    follow(k, guide: members[i].id)
                }
            } else if let guide = pendingTours[t].guideEntity, pendingTours[t].followers.contains(persona),
                !members[i].guiding, members.contains(where: { $0.id == guide && $0.guiding })
            {
                pendingTours[t].followers.remove(persona)
                follow(i, guide: guide)
            }
        }
    }

    private func follow(_ k: Int, guide: UInt32) {
        members[k].following = guide
        appendEvent(.notice(kind: .tour, entityId: guide, text: "joined"), to: k)
    }

    /// The parcel's frames and chat lines, older than anything recorded here, their people under
    /// fresh placeholder ids (ids of two nodes are unrelated); signed-in people are matched to
    /// their avatar here as they arrive (`evidenceAliases`).
    func absorbEvidence(_ parcel: EvidenceParcel, gapTicks: UInt32) {
        guard config.safety, parcel.tickHz > 0 else { return }
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
        for frame in parcel.frames.prefix(evidence.framesMax) {
            guard let (ids, xs, ys) = EvidenceParcel.unpack(frame.packed), ids.count <= Self.frameEntitiesMax
            else { continue }
            let order = ids.indices.map { (placeholder(ids[$0]), $0) }.sorted { $0.0 < $1.0 }
            frames.append(
                PositionFrame(
                    tick: tick(frame.agoTicks), ids: order.map(\.0), xs: order.map { xs[$0.1] },
                    ys: order.map { ys[$0.1] }))
        }
        let chats = parcel.chats.prefix(EvidenceBuffer.chatsMax).compactMap { chat -> ChatRecord? in
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
    /// person counted there and here is one visitor); an hour that ended during the move is
    /// released as counted until the stop.
    func absorbVisits(_ parcel: SpaceParcel) {
        guard let outbox = visitOutbox, var carried = VisitTally(checkpoint: parcel.visits, grid: visits.grid) else {
            return
        }
        if carried.hourStart < visits.hourStart {
            carried.countedUntil = min(carried.hourStart + 3600, Int64(parcel.stoppedAt))
            outbox.send(ClosedHour(space: handle.id, tally: carried))
            return
        }
        guard carried.hourStart == visits.hourStart else { return }
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
