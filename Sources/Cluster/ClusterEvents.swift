import Foundation
import Logging
import Storage

/// What one node tells the others, so that a change made through any node takes effect on all of
/// them within a second: the person affected may be connected to another node.
public enum ClusterEvent: Codable, Hashable, Sendable {
    /// Reload these accounts' live safety rules (a block, mute, friendship or sanction changed).
    case rules(accounts: [Int64])
    /// Tell the account's avatars, wherever they are.
    case notice(account: Int64, kind: UInt8, text: String)
    /// Take the account's avatars out of their spaces with `removal` (when given), then end its
    /// connections with `code` and `reason`; `forGood` also refuses its connections from now on.
    case end(account: Int64, code: UInt16, reason: String, forGood: Bool, removal: String?)
    /// A persona of the account left a space (for the persona-switch guard on every node).
    case personaLeft(account: Int64, persona: Int64)
    /// Tell the space's moderators, wherever they are connected.
    case crowdAlert(space: String, text: String)
    /// The persona was deleted: take its avatar out of its space, wherever it walks.
    case personaDeleted(account: Int64, persona: Int64)
    /// A curator saved this mission: read it from the shared store.
    case missionSaved(id: String)
    /// A planner saved a version of this proposal: read it from the shared store.
    case proposalSaved(id: String)
}

/// Sends events to the other nodes and hands theirs on; a node ignores its own.
public final class ClusterEvents: Sendable {
    struct Envelope: Codable {
        var origin: String
        var event: ClusterEvent
    }

    public let me: String
    let channel: any EventChannel
    let logger: Logger

    public init(me: String, channel: any EventChannel, logger: Logger) {
        self.me = me
        self.channel = channel
        self.logger = logger
    }

    /// Publishes `event` in the background (the change is already made here).
    public func send(_ event: ClusterEvent) {
        Task { [self] in
            do {
                try await publish(event)
            } catch {
                logger.warning("a cluster event was not sent", metadata: ["reason": "\(error)"])
            }
        }
    }

    /// Publishes `event` and returns once the database has it (for a command that exits next).
    public func publish(_ event: ClusterEvent) async throws {
        let data = try JSONEncoder().encode(Envelope(origin: me, event: event))
        try await channel.publish(String(decoding: data, as: UTF8.self))
    }

    /// The origin of events sent from the console (`bitgoeul role`): not a valid node id, so every
    /// node applies them.
    public static let consoleOrigin = "(console)"

    /// Sends `.rules` for the accounts given (for `SafetyRules.changed`).
    public var rulesChanged: @Sendable ([Int64]) -> Void {
        { [self] accounts in send(.rules(accounts: accounts)) }
    }

    /// Sends `.personaLeft` (for `PersonaSwitchGuard`'s `onLeft`).
    public var personaLeft: @Sendable (Int64, Int64) -> Void {
        { [self] account, persona in send(.personaLeft(account: account, persona: persona)) }
    }

    /// Hands every other node's event to `apply` until cancelled, listening again (with backoff)
    /// after a failure; `resubscribed` runs each time listening starts again, to catch up on what
    /// was missed meanwhile.
    public func receive(
        _ apply: @escaping @Sendable (ClusterEvent) -> Void, resubscribed: @escaping @Sendable () async -> Void
    ) async {
        var pauseS = 0.25
        var first = true
        while !Task.isCancelled {
            if !first { await resubscribed() }
            first = false
            do {
                try await channel.listen { [me] payload in
                    guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(payload.utf8)),
                        envelope.origin != me
                    else { return }
                    apply(envelope.event)
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("listening for cluster events failed; trying again", metadata: ["reason": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(pauseS))
            pauseS = min(5, pauseS * 2)
        }
    }
}
