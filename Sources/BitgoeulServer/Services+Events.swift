import Accounts
import Cluster
import Realtime
import Safety
import ServiceLifecycle
import Wire

/// Changes that must reach the person on whichever node of a cluster they are connected to: made
/// here at once, and sent to the other nodes (`ClusterEvents`), which apply them the same way.
extension Services {
    /// Applies `event` on this node and, in a cluster, sends it to the others.
    func everywhere(_ event: ClusterEvent) async {
        await apply(event)
        events?.send(event)
    }

    /// Applies an event, made here or received from another node.
    func apply(_ event: ClusterEvent) async {
        switch event {
        case .rules(let accounts):
            try? await rules.refreshHere(accounts)
        case .notice(let account, let kind, let text):
            for live in engine.safety.entities(of: account) {
                live.link.post(system: .notice(kind: NoticeKind(rawValue: kind) ?? .info, entityId: 0, text: text))
            }
        case .end(let account, let code, let reason, let forGood, let removal):
            if let removal {
                for live in engine.safety.entities(of: account) { live.link.post(system: .remove(reason: removal)) }
            }
            connections.end(account: account, code: code, reason: reason, forGood: forGood)
            if forGood { engine.safety.detach(account) }
        case .personaLeft(let account, let persona):
            personaSwitch.leftElsewhere(account: account, persona: persona)
        case .personaDeleted(let account, let persona):
            for live in engine.safety.entities(of: account) where live.link.walker.personaId == persona {
                live.link.post(system: .remove(reason: "this persona was deleted"))
            }
        case .missionSaved(let id):
            await reloadMission(id)
        case .proposalSaved(let id):
            await reloadProposal(id)
        case .crowdAlert(let space, let text):
            for live in engine.safety.everyone() where engine.safety.rules(live.link.party).moderates(space) {
                live.link.post(system: .notice(kind: .moderation, entityId: 0, text: text))
            }
        }
    }
}

/// Applies the other nodes' events for the application's lifetime. After listening was
/// interrupted (PostgreSQL restarting), it reloads the rules of everyone connected here, so a
/// block or sanction made meanwhile is not missed.
struct ClusterEventsService: Service {
    let events: ClusterEvents
    let services: Services

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await events.receive(
                { event in Task { await services.apply(event) } },
                resubscribed: { try? await services.rules.refreshHere(services.engine.safety.connectedAccounts) })
        }
    }
}

/// Delivers the spaces' crowd alerts to the moderators of the space on every node, wherever in the
/// world they are (a moderator need not be standing in the crowded space to be told).
struct CrowdAlertService: Service {
    let services: Services

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await note in services.engine.crowdAlerts.alerts {
                await services.everywhere(.crowdAlert(space: note.space, text: note.text))
            }
        }
    }
}
