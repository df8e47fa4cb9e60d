import Accounts
import Clocks
import Foundation
import Realtime
import Storage
import Wire
import WorldModel

extension ConnectionStateMachine {
    /// What the machine needs from the store or the tick; `SessionEffects` carries it out.
    public enum Request: Sendable {
        /// The account behind a session token (nil when unknown or expired).
        case authenticate(token: String)
        /// The account's safety rules and its roles by space.
        case loadAccount(Int64)
        case loadPersona(id: Int64)
        /// Wait before entering: another persona of the account just left.
        case wait(seconds: Double)
        /// Save a block, mute or unmute of `target`'s account, then refresh both sides' live rules.
        case saveRelation(RelateAction, owner: Int64, target: Int64, targetName: String, now: Date)
        /// Ask for (or accept) a friendship; refresh both sides' rules when it is accepted.
        case requestFriend(from: Int64, fromName: String, to: Int64, toName: String, now: Date)
        case countReports(by: Int64, since: Date)
        /// Ask the reporter's space for the last seconds around `target`.
        case collectEvidence(through: ClientLink, target: UInt32)
        /// File the report and keep its evidence in memory.
        case fileReport(Report, Evidence)
        /// Mark a handoff ticket used (once, cluster-wide).
        case redeemTicket(id: String, expiresAt: Date)
        /// The account standing for a visitor from another city, made on the first visit.
        case visitorAccount(city: String, pseudonym: String, now: Date)
    }

    /// What came of a request.
    public enum Outcome: Sendable {
        case authenticated(account: Int64?)
        case accountLoaded(rules: PartyRules, roles: [String: SpaceRole])
        case personaLoaded(accountId: Int64, persona: Persona, createdAt: Date)
        case noSuchPersona
        case waited
        /// Saved, or in place already (perhaps under another persona of that account).
        case relationSaved
        case friendRequested(accepted: Bool)
        /// Pending or friends already: answered as a new request, without pinging the other side again.
        case friendRequestedAlready
        case reportsCounted(Int)
        case evidenceCollected(Evidence?)
        case reportFiled(id: Int64)
        /// False when the ticket was used before.
        case ticketRedeemed(fresh: Bool)
        case visitorAccount(Int64)
        /// The store could not do it now.
        case failed
    }

    /// What an outstanding request was for, so its outcome can finish the job.
    enum Pending {
        case authenticating
        case loadingAccount(Int64)
        case loadingPersona(id: Int64, space: SpaceHandle)
        case delayedEntry(SpaceHandle, Walker, createdAt: Date)
        case relation(RelateAction, entity: UInt32, name: String)
        case friendship(target: LiveEntity, myName: String, theirName: String)
        case reportCount(ReportDraft)
        case evidence(ReportDraft)
        case filing(ReportDraft)
        case redeeming(HandoffClaims)
        /// A handed-over account's rules, before it enters the ticket's space.
        case handoffAccount(HandoffClaims)
        /// A visitor's ticket being marked used, cluster-wide.
        case redeemingTravel(VisitorPass)
        /// The visitor's account here, then its rules.
        case visitorAccount(VisitorPass)
        case visitorRules(VisitorPass, account: Int64)
    }

    /// A report on its way through the store and the tick.
    struct ReportDraft {
        var entity: UInt32
        var block: Bool
        var report: Report
        var link: ClientLink
    }
}

extension ConnectionStateMachine {
    /// Finishes the job the outstanding request was for.
    mutating func handle(_ outcome: Outcome) -> [Action] {
        guard let job = pending else { preconditionFailure("an outcome without a request") }
        pending = nil
        switch (job, outcome) {
        case (.authenticating, .authenticated(let account)):
            return authenticated(account)
        case (.authenticating, _):
            return [.close(code: CloseCode.goingAway, reason: "the server cannot check sessions right now")]
        case (.loadingAccount(let account), .accountLoaded(let rules, let roles)):
            return accountLoaded(account, rules: rules, roles: roles)
        case (.loadingAccount, _):
            return [.close(code: CloseCode.goingAway, reason: "the server cannot load safety settings right now")]
        case (.loadingPersona(let id, let space), .personaLoaded(let account, let persona, let createdAt)):
            return personaLoaded((account, persona, createdAt), id: id, space: space)
        case (.loadingPersona(let id, let space), .noSuchPersona):
            return personaLoaded(nil, id: id, space: space)
        case (.loadingPersona, _):
            if case .entering(let who) = state { state = .ready(who) }
            return reply(.busy, "the server cannot load personas right now")
        case (.delayedEntry(let space, let walker, let createdAt), _):
            guard case .entering(let who) = state else { return [] }
            return enter(space, as: walker, createdAt: createdAt, who: who)
        case (.relation(let action, let entity, let name), .relationSaved):
            return related(action, entity: entity, name: name)
        case (.friendship(let target, let myName, let theirName), .friendRequested(let accepted)):
            return befriended(accepted: accepted, target: target, myName: myName, theirName: theirName)
        case (.friendship(let target, let myName, let theirName), .friendRequestedAlready):
            return befriended(accepted: nil, target: target, myName: myName, theirName: theirName)
        case (.relation, _), (.friendship, _):
            return reply(.busy, "the server cannot save that right now; try again")
        case (.reportCount(let draft), .reportsCounted(let today)):
            return reportsCounted(today, draft)
        case (.reportCount(let draft), _):
            return reportsCounted(0, draft)
        case (.evidence(let draft), .evidenceCollected(let evidence)):
            return evidenceCollected(evidence, draft)
        case (.evidence(let draft), _):
            return evidenceCollected(nil, draft)
        case (.filing(let draft), .reportFiled(let id)):
            return reportFiled(id: id, draft)
        case (.filing, _):
            return reply(.busy, "the server cannot save the report right now; try again")
        case (.redeeming(let claims), .ticketRedeemed(let fresh)):
            return ticketRedeemed(claims, fresh: fresh)
        case (.redeeming, _):
            return [.close(code: CloseCode.goingAway, reason: "the server cannot check tickets right now; try again")]
        case (.handoffAccount(let claims), .accountLoaded(let rules, let roles)):
            return handedOver(claims, rules: rules, roles: roles)
        case (.handoffAccount, _):
            return [.close(code: CloseCode.goingAway, reason: "the server cannot load safety settings right now")]
        case (.redeemingTravel(let pass), .ticketRedeemed(let fresh)):
            guard fresh else {
                return [.close(code: CloseCode.travelRefused, reason: "this travel ticket was used before")]
            }
            return lookUp(pass)
        case (.visitorAccount(let pass), .visitorAccount(let account)):
            return visitorFound(pass, account: account)
        case (.visitorRules(let pass, let account), .accountLoaded(let rules, let roles)):
            return visitorLoaded(pass, account: account, rules: rules, roles: roles)
        case (.redeemingTravel, _), (.visitorAccount, _), (.visitorRules, _):
            return [.close(code: CloseCode.goingAway, reason: "the server cannot admit visitors right now; try again")]
        }
    }
}
