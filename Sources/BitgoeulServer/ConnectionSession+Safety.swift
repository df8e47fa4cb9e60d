import Foundation
import Realtime
import Storage
import Wire

/// Blocks, mutes, friend requests and reports made from inside the world, about avatars the
/// client can see. Each acts on the account behind the persona; the other side learns nothing
/// about that account's other personas.
///
/// Answers never depend on what the account did under another persona: blocking, muting or
/// befriending again says the same as the first time, so the answers cannot link two personas.
extension ConnectionSession {
    /// Report categories by their number on the wire.
    static let reportCategories: [ReportCategory] = [
        .harassment, .threat, .sexualContent, .spam, .fraud, .minorSafety, .other,
    ]
    static let reportNoteLengthMax = 500

    /// The live avatar `entity` when it is in the same space as this connection's.
    private func visibleTarget(_ entity: UInt32) -> LiveEntity? {
        guard let link, let target = services.engine.safety.entity(entity), target.space == link.currentSpace
        else { return nil }
        return target
    }

    mutating func relate(_ action: RelateAction, entity: UInt32) async -> [Action] {
        guard link != nil, phase == .joined, let me = party else { return reply(.notJoined, "join a space first") }
        // Someone hidden from you is unknown, except to block (which then simply says it is done).
        guard let target = visibleTarget(entity),
            action == .block || !services.engine.safety.rules(me).hidden.contains(target.link.party)
        else { return reply(.unknownEntity, "nobody with id \(entity) is in your space") }
        let other = target.link.party
        let name = target.link.walker.name
        guard other != me else { return reply(.invalidValue, "that is you") }
        if action == .friend { return await befriend(target) }
        if let mine = accountId, other > 0 {
            do {
                switch action {
                case .block, .mute:
                    _ = try await services.store.addRelation(
                        kind: action == .block ? .block : .mute, owner: mine, target: other, targetName: name,
                        now: Date())
                case .unmute:
                    let mutes = try await services.store.relations(owner: mine).filter {
                        $0.kind == .mute && $0.targetAccount == other
                    }
                    if let mute = mutes.first { _ = try await services.store.removeRelation(owner: mine, id: mute.id) }
                case .friend:
                    break
                }
                try await services.rules.refresh(mine, other)
            } catch let error as StoreError where error.code == .conflict {
                // Already in place (perhaps under another persona of that account): done, said the same way.
            } catch {
                return reply(.busy, "the server cannot save that right now; try again")
            }
        } else {
            relateWithGuest(action, me: me, other: other)
        }
        let done =
            switch action {
            case .block: "you blocked \(name): neither of you will see or hear the other; undo it in your settings"
            case .mute: "you muted \(name)"
            case .unmute: "you unmuted \(name)"
            case .friend: ""
            }
        send(.notice(kind: .info, entityId: entity, text: done))
        return []
    }

    /// Blocks and mutes where a guest is involved live only while the guest is connected.
    private func relateWithGuest(_ action: RelateAction, me: Int64, other: Int64) {
        let board = services.engine.safety
        switch action {
        case .block: board.update(me, other) { rules, peer in rules.hidden.insert(peer) }
        case .mute: board.update(me) { $0.muted.insert(other) }
        case .unmute: board.update(me) { $0.muted.remove(other) }
        case .friend: break
        }
    }

    private mutating func befriend(_ target: LiveEntity) async -> [Action] {
        guard let mine = accountId, let link, target.link.party > 0 else {
            return reply(.notAllowed, "friendship is between signed-in personas")
        }
        let other = target.link.party
        let myName = link.walker.name
        let theirName = target.link.walker.name
        do {
            let friendship = try await services.store.requestFriend(
                from: mine, fromName: myName, to: other, toName: theirName, now: Date())
            let myEntity = services.engine.safety.entities(of: mine).first { $0.link === link }?.entityId ?? 0
            if friendship.accepted {
                try await services.rules.refresh(mine, other)
                send(.notice(kind: .info, entityId: target.entityId, text: "you and \(theirName) are friends now"))
                target.link.post(
                    system: .notice(kind: .info, entityId: myEntity, text: "you and \(myName) are friends now"))
            } else {
                send(.notice(kind: .info, entityId: target.entityId, text: "friend request sent to \(theirName)"))
                target.link.post(
                    system: .notice(
                        kind: .friendRequest, entityId: myEntity, text: "\(myName) would like to be friends"))
            }
            return []
        } catch let error as StoreError where error.code == .conflict {
            // Pending or friends already (perhaps through another persona of that account): the
            // same answer as a new request, and the other side is not pinged again.
            send(.notice(kind: .info, entityId: target.entityId, text: "friend request sent to \(theirName)"))
            return []
        } catch {
            return reply(.busy, "the server cannot save that right now; try again")
        }
    }

    mutating func report(entity: UInt32, category rawCategory: UInt8, block: Bool, note rawNote: String) async
        -> [Action]
    {
        guard let link, phase == .joined, let me = party else { return reply(.notJoined, "join a space first") }
        guard Int(rawCategory) < Self.reportCategories.count else {
            return reply(.invalidValue, "report category is 0 to \(Self.reportCategories.count - 1)")
        }
        let note = rawNote.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= Self.reportNoteLengthMax else {
            return reply(.textTooLong, "a report note is at most \(Self.reportNoteLengthMax) characters")
        }
        guard let target = visibleTarget(entity) else {
            return reply(.unknownEntity, "nobody with id \(entity) is in your space")
        }
        guard target.link.party != me else { return reply(.invalidValue, "you cannot report yourself") }
        guard reports.take(nowS: monotonicSeconds()), takeAccount(.report) else {
            return refuse("reporting too often: wait a minute; a moderator will see the reports you filed")
        }
        let now = Date()
        if let accountId {
            let today = (try? await services.store.reportCount(by: accountId, since: now - 24 * 3600)) ?? 0
            guard today < services.config.reportsPerDayMax else {
                return reply(.rateLimited, "at most \(services.config.reportsPerDayMax) reports a day")
            }
        }
        guard let evidence = await EvidenceRequest.collect(through: link, target: entity) else {
            return reply(.unknownEntity, "\(target.link.walker.name) is no longer in your space")
        }
        let filed: Report
        do {
            filed = try await services.store.fileReport(
                Report(
                    reporterAccount: accountId, reportedAccount: target.link.party > 0 ? target.link.party : nil,
                    reportedName: target.link.walker.name, space: target.space,
                    category: Self.reportCategories[Int(rawCategory)], note: note, createdAt: now))
            services.evidence.keep(evidence, report: filed.id)
        } catch {
            return reply(.busy, "the server cannot save the report right now; try again")
        }
        send(
            .notice(
                kind: .info, entityId: entity,
                text: "report #\(filed.id) received; you will be told what a moderator decides"))
        if block { return await relate(.block, entity: entity) }
        return []
    }
}
