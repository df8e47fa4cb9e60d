import Clocks
import Foundation
import Realtime
import Storage

/// Loads an account's live safety rules from the store and keeps the board in step with it.
public struct SafetyRules: Sendable {
    public let store: any Store
    public let board: SafetyBoard
    public let clock: ServiceClock
    /// Told which accounts' rules changed, so other nodes of a cluster reload them too.
    public let changed: (@Sendable ([Int64]) -> Void)?

    public init(
        store: any Store, board: SafetyBoard, clock: ServiceClock, changed: (@Sendable ([Int64]) -> Void)? = nil
    ) {
        self.store = store
        self.board = board
        self.clock = clock
        self.changed = changed
    }

    /// Blocks either way, mutes, friends, active sanctions and the roles of an account.
    public func load(account: Int64) async throws -> PartyRules {
        let now = clock.now()
        var rules = PartyRules()
        rules.setRoles(try await store.roles(account: account))
        rules.hidden = try await store.blockedEitherWay(account: account)
        rules.muted = Set(try await store.relations(owner: account).filter { $0.kind == .mute }.map(\.targetAccount))
        rules.friends = Set(
            try await store.friendships(account: account).filter(\.accepted).map { $0.other(than: account).account })
        for action in try await store.actions(concerning: account, limit: 500) where action.isActive(at: now) {
            let until = action.until ?? .distantFuture
            switch action.kind {
            case .mute:
                rules.mutedIn[action.space] = max(rules.mutedIn[action.space] ?? .distantPast, until)
            case .kick, .suspend, .ban:
                rules.barredFrom[action.space] = max(rules.barredFrom[action.space] ?? .distantPast, until)
            case .warn, .dismiss:
                break
            }
        }
        return rules
    }

    /// Reloads the rules of each online account among `accounts` (guests live only on the board).
    public func refresh(_ accounts: Int64...) async throws {
        try await refreshHere(accounts)
        changed?(accounts.filter { $0 > 0 })
    }

    /// Reloads the rules of those of `accounts` connected to this node (a change made elsewhere).
    public func refreshHere(_ accounts: [Int64]) async throws {
        for account in accounts where account > 0 && board.connections(of: account) > 0 {
            board.reload(account, rules: try await load(account: account))
        }
    }
}
