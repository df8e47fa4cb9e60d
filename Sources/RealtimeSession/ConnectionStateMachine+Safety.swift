import Accounts
import Clocks
import Foundation
import Realtime
import Safety
import Storage
import Wire

/// Blocks, mutes, friend requests and reports made from inside the world, about avatars the
/// client can see. Each acts on the account behind the persona; the other side learns nothing
/// about that account's other personas.
///
/// Answers never depend on what the account did under another persona: blocking, muting or
/// befriending again says the same as the first time, so the answers cannot link two personas.
extension ConnectionStateMachine {
    /// The live avatar `entity` when it is in the same space as this connection's.
    private func visibleTarget(_ entity: UInt32, from link: ClientLink) -> LiveEntity? {
        guard let target = environment.board.entity(entity), target.space == link.currentSpace else { return nil }
        return target
    }

    mutating func relate(_ action: RelateAction, entity: UInt32, as who: Identity, in presence: Presence) -> [Action] {
        let me = who.party
        // Someone hidden from you is unknown, except to block (which then simply says it is done).
        guard let target = visibleTarget(entity, from: presence.link),
            action == .block || !environment.board.rules(me).hidden.contains(target.link.party)
        else { return reply(.unknownEntity, "nobody with id \(entity) is in your space") }
        let other = target.link.party
        let name = target.link.walker.name
        guard other != me else { return reply(.invalidValue, "that is you") }
        if action == .friend { return befriend(target, as: who, in: presence) }
        if let mine = who.account, other > 0 {
            pending = .relation(action, entity: entity, name: name)
            return ask(
                .saveRelation(action, owner: mine, target: other, targetName: name, now: environment.clock.now()))
        }
        relateWithGuest(action, me: me, other: other)
        return related(action, entity: entity, name: name)
    }

    /// The answer once a block, mute or unmute is in place.
    func related(_ action: RelateAction, entity: UInt32, name: String) -> [Action] {
        let done =
            switch action {
            case .block: "you blocked \(name): neither of you will see or hear the other; undo it in your settings"
            case .mute: "you muted \(name)"
            case .unmute: "you unmuted \(name)"
            case .friend: ""
            }
        return [.send(.notice(kind: .info, entityId: entity, text: done))]
    }

    /// Blocks and mutes where a guest is involved live only while the guest is connected.
    private func relateWithGuest(_ action: RelateAction, me: Int64, other: Int64) {
        let board = environment.board
        switch action {
        case .block: board.update(me, other) { rules, peer in rules.hidden.insert(peer) }
        case .mute: board.update(me) { $0.muted.insert(other) }
        case .unmute: board.update(me) { $0.muted.remove(other) }
        case .friend: break
        }
    }

    private mutating func befriend(_ target: LiveEntity, as who: Identity, in presence: Presence) -> [Action] {
        guard let mine = who.account, target.link.party > 0 else {
            return reply(.notAllowed, "friendship is between signed-in personas")
        }
        let myName = presence.link.walker.name
        let theirName = target.link.walker.name
        pending = .friendship(target: target, myName: myName, theirName: theirName)
        return ask(
            .requestFriend(
                from: mine, fromName: myName, to: target.link.party, toName: theirName, now: environment.clock.now()))
    }

    /// Tells both sides what came of a friend request (`accepted` nil: pending already, told only to the asker).
    func befriended(accepted: Bool?, target: LiveEntity, myName: String, theirName: String) -> [Action] {
        guard let accepted else {
            return [.send(.notice(kind: .info, entityId: target.entityId, text: "friend request sent to \(theirName)"))]
        }
        let myEntity: UInt32 =
            identity.flatMap { who in
                environment.board.entities(of: who.party).first { $0.link === presence?.link }?.entityId
            } ?? 0
        if accepted {
            target.link.post(
                system: .notice(kind: .info, entityId: myEntity, text: "you and \(myName) are friends now"))
            return [
                .send(.notice(kind: .info, entityId: target.entityId, text: "you and \(theirName) are friends now"))
            ]
        }
        target.link.post(
            system: .notice(kind: .friendRequest, entityId: myEntity, text: "\(myName) would like to be friends"))
        return [.send(.notice(kind: .info, entityId: target.entityId, text: "friend request sent to \(theirName)"))]
    }

    mutating func report(
        entity: UInt32, category rawCategory: UInt8, block: Bool, note rawNote: String, as who: Identity,
        in presence: Presence
    ) -> [Action] {
        let categories = ReportRules.categories
        guard Int(rawCategory) < categories.count else {
            return reply(.invalidValue, "report category is 0 to \(categories.count - 1)")
        }
        let note = rawNote.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= ReportRules.noteLengthMax else {
            return reply(.textTooLong, "a report note is at most \(ReportRules.noteLengthMax) characters")
        }
        guard let target = visibleTarget(entity, from: presence.link) else {
            return reply(.unknownEntity, "nobody with id \(entity) is in your space")
        }
        guard target.link.party != who.party else { return reply(.invalidValue, "you cannot report yourself") }
        guard buckets.reports.take(nowS: environment.clock.monotonicS()), takeAccount(.report) else {
            return refuse("reporting too often: wait a minute; a moderator will see the reports you filed")
        }
        let now = environment.clock.now()
        let draft = ReportDraft(
            entity: entity, block: block,
            report: Report(
                reporterAccount: who.account, reportedAccount: target.link.party > 0 ? target.link.party : nil,
                reportedName: target.link.walker.name, space: target.space, category: categories[Int(rawCategory)],
                note: note, createdAt: now),
            link: presence.link)
        if let account = who.account {
            pending = .reportCount(draft)
            return ask(.countReports(by: account, since: now - ReportRules.dayS))
        }
        return collectEvidence(draft)
    }

    /// Reports filed today so far (none known when the store failed to count).
    mutating func reportsCounted(_ today: Int, _ draft: ReportDraft) -> [Action] {
        guard today < environment.reportsPerDayMax else {
            return reply(.rateLimited, "at most \(environment.reportsPerDayMax) reports a day")
        }
        return collectEvidence(draft)
    }

    private mutating func collectEvidence(_ draft: ReportDraft) -> [Action] {
        pending = .evidence(draft)
        return ask(.collectEvidence(through: draft.link, target: draft.entity))
    }

    mutating func evidenceCollected(_ evidence: Evidence?, _ draft: ReportDraft) -> [Action] {
        guard let evidence else {
            return reply(.unknownEntity, "\(draft.report.reportedName) is no longer in your space")
        }
        pending = .filing(draft)
        return ask(.fileReport(draft.report, evidence))
    }

    mutating func reportFiled(id: Int64, _ draft: ReportDraft) -> [Action] {
        let received = Action.send(
            .notice(
                kind: .info, entityId: draft.entity,
                text: "report #\(id) received; you will be told what a moderator decides"))
        guard draft.block, case .joined(let who, let presence) = state else { return [received] }
        return [received] + relate(.block, entity: draft.entity, as: who, in: presence)
    }
}
