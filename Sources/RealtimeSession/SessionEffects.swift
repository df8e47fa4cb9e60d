import Accounts
import Clocks
import Foundation
import Realtime
import Safety
import Storage
import Wire

/// Carries out what a connection's state machine asks for, against the store and the tick.
/// It decides nothing: every answer to the client is the machine's.
public struct SessionEffects: Sendable {
    public let store: any Store
    public let rules: SafetyRules
    public let evidence: EvidenceVault
    public let clock: ServiceClock
    /// Where used handoff tickets are recorded (the cluster's database); nil on a single server.
    public let tickets: (any Coordination)?

    public init(
        store: any Store, rules: SafetyRules, evidence: EvidenceVault, clock: ServiceClock,
        tickets: (any Coordination)? = nil
    ) {
        self.tickets = tickets
        self.store = store
        self.rules = rules
        self.evidence = evidence
        self.clock = clock
    }

    public func perform(_ request: ConnectionStateMachine.Request) async -> ConnectionStateMachine.Outcome {
        do {
            return try await attempt(request)
        } catch let error as StoreError where error.code == .conflict {
            switch request {
            case .saveRelation: return .relationSaved
            case .requestFriend: return .friendRequestedAlready
            default: return .failed
            }
        } catch {
            return .failed
        }
    }

    private func attempt(_ request: ConnectionStateMachine.Request) async throws -> ConnectionStateMachine.Outcome {
        switch request {
        case .authenticate(let token):
            return .authenticated(account: try await SessionToken.account(forToken: token, in: store, now: clock.now()))
        case .loadAccount(let account):
            let loaded = try await rules.load(account: account)
            return .accountLoaded(rules: loaded, roles: try await store.roles(account: account))
        case .loadPersona(let id):
            guard let found = try await store.persona(id: id) else { return .noSuchPersona }
            return .personaLoaded(accountId: found.accountId, persona: found.persona, createdAt: found.createdAt)
        case .wait(let seconds):
            try? await Task.sleep(for: .seconds(seconds))
            return .waited
        case .saveRelation(let action, let owner, let target, let name, let now):
            try await saveRelation(action, owner: owner, target: target, name: name, now: now)
            try await rules.refresh(owner, target)
            return .relationSaved
        case .requestFriend(let from, let fromName, let to, let toName, let now):
            let friendship = try await store.requestFriend(
                from: from, fromName: fromName, to: to, toName: toName, now: now)
            if friendship.accepted { try await rules.refresh(from, to) }
            return .friendRequested(accepted: friendship.accepted)
        case .countReports(let account, let since):
            return .reportsCounted(try await store.reportCount(by: account, since: since))
        case .collectEvidence(let link, let target):
            return .evidenceCollected(await EvidenceRequest.collect(through: link, target: target))
        case .fileReport(let report, let collected):
            let filed = try await store.fileReport(report)
            evidence.keep(collected, report: filed.id)
            return .reportFiled(id: filed.id)
        case .redeemTicket(let id, let expiresAt):
            guard let tickets else { return .failed }
            return .ticketRedeemed(fresh: try await tickets.useTicket(id: id, expiresAt: expiresAt))
        case .visitorAccount(let city, let pseudonym, let now):
            return .visitorAccount(try await store.visitorAccount(city: city, pseudonym: pseudonym, now: now))
        }
    }

    private func saveRelation(_ action: RelateAction, owner: Int64, target: Int64, name: String, now: Date)
        async throws
    {
        switch action {
        case .block, .mute:
            _ = try await store.addRelation(
                kind: action == .block ? .block : .mute, owner: owner, target: target, targetName: name, now: now)
        case .unmute:
            let mutes = try await store.relations(owner: owner).filter {
                $0.kind == .mute && $0.targetAccount == target
            }
            if let mute = mutes.first { _ = try await store.removeRelation(owner: owner, id: mute.id) }
        case .friend:
            break
        }
    }
}
