import Foundation

/// One account's choice about another: block (mutual invisibility) or mute (no chat from them).
///
/// Applies to the account behind the persona, so switching persona does not evade it; the owner
/// sees only the persona name they acted on, never the other personas of that account.
public struct Relation: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case block, mute }

    public var id: Int64
    public var kind: Kind
    public var ownerAccount: Int64
    public var targetAccount: Int64
    /// The persona name the owner acted on, as it was then.
    public var targetName: String
    public var createdAt: Date

    public init(
        id: Int64, kind: Kind, ownerAccount: Int64, targetAccount: Int64, targetName: String, createdAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.ownerAccount = ownerAccount
        self.targetAccount = targetAccount
        self.targetName = targetName
        self.createdAt = createdAt
    }
}

/// A friendship between two accounts, made by mutual requests between two personas.
public struct Friendship: Hashable, Sendable, Codable {
    public var id: Int64
    public var fromAccount: Int64
    public var toAccount: Int64
    public var fromName: String
    public var toName: String
    public var accepted: Bool
    public var createdAt: Date

    public init(
        id: Int64, fromAccount: Int64, toAccount: Int64, fromName: String, toName: String, accepted: Bool,
        createdAt: Date
    ) {
        self.id = id
        self.fromAccount = fromAccount
        self.toAccount = toAccount
        self.fromName = fromName
        self.toName = toName
        self.accepted = accepted
        self.createdAt = createdAt
    }

    /// The other side's account and persona name, seen from `account`.
    public func other(than account: Int64) -> (account: Int64, name: String) {
        account == fromAccount ? (toAccount, toName) : (fromAccount, fromName)
    }
}

/// What a report is about; the categories moderators triage by.
public enum ReportCategory: String, Sendable, Codable, CaseIterable {
    case harassment, threat, sexualContent = "sexual_content", spam, fraud, minorSafety = "minor_safety", other
}

/// A citizen's report on a persona. The evidence (chat and positions) is never stored with it:
/// it stays in the server's memory until the report is closed (see `EvidenceVault`).
public struct Report: Hashable, Sendable, Codable {
    public enum Status: String, Sendable, Codable { case open, resolved, dismissed }

    public var id: Int64
    /// Nil when a guest reported (they are told the outcome only while connected).
    public var reporterAccount: Int64?
    /// Nil when the reported persona was a guest.
    public var reportedAccount: Int64?
    public var reportedName: String
    public var space: String
    public var category: ReportCategory
    public var note: String
    public var createdAt: Date
    public var status: Status
    /// What the moderator decided, in words told to reporter and reported.
    public var outcome: String?
    public var resolvedAt: Date?

    public init(
        id: Int64 = 0, reporterAccount: Int64?, reportedAccount: Int64?, reportedName: String, space: String,
        category: ReportCategory, note: String, createdAt: Date, status: Status = .open,
        outcome: String? = nil, resolvedAt: Date? = nil
    ) {
        self.id = id
        self.reporterAccount = reporterAccount
        self.reportedAccount = reportedAccount
        self.reportedName = reportedName
        self.space = space
        self.category = category
        self.note = note
        self.createdAt = createdAt
        self.status = status
        self.outcome = outcome
        self.resolvedAt = resolvedAt
    }
}

/// A role an account holds in a space (`*` means every space).
public enum SpaceRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// A planner publishes proposals in the space and answers comments on them (docs/planning.md); it
    /// ranks just above visitors, so it lends no power to guide, curate or moderate.
    case visitor, planner, docent, curator, moderator, owner

    var rank: Int {
        switch self {
        case .visitor: 0
        case .planner: 1
        case .docent: 2
        case .curator: 3
        case .moderator: 4
        case .owner: 5
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// A moderator's action, kept with who, when and why; the person concerned can read it.
public struct ModerationAction: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A message to the person; nothing else changes.
        case warn
        /// No chat in the space until `until`.
        case mute
        /// Out of the space now, no rejoin until `until` (one hour).
        case kick
        /// No entry to any space until `until`.
        case suspend
        /// No entry to any space, without end.
        case ban
        /// The report was looked at and needs no action.
        case dismiss
    }

    public var id: Int64
    public var kind: Kind
    public var moderatorAccount: Int64
    public var targetAccount: Int64?
    public var targetName: String
    /// Where it applies; `*` for every space.
    public var space: String
    public var reportId: Int64?
    public var reason: String
    public var createdAt: Date
    /// When a mute, kick or suspension ends; nil for warnings and bans.
    public var until: Date?

    public init(
        id: Int64 = 0, kind: Kind, moderatorAccount: Int64, targetAccount: Int64?, targetName: String,
        space: String, reportId: Int64?, reason: String, createdAt: Date, until: Date?
    ) {
        self.id = id
        self.kind = kind
        self.moderatorAccount = moderatorAccount
        self.targetAccount = targetAccount
        self.targetName = targetName
        self.space = space
        self.reportId = reportId
        self.reason = reason
        self.createdAt = createdAt
        self.until = until
    }

    /// Whether this action still restricts the person at `now` (mutes, kicks, suspensions, bans).
    public func isActive(at now: Date) -> Bool {
        switch kind {
        case .warn, .dismiss: false
        case .ban: true
        case .mute, .kick, .suspend: (until ?? .distantPast) > now
        }
    }
}

/// A message for an account about something done concerning it (report outcomes, moderation).
public struct Notice: Hashable, Sendable, Codable {
    public var id: Int64
    public var accountId: Int64
    public var text: String
    public var createdAt: Date

    public init(id: Int64, accountId: Int64, text: String, createdAt: Date) {
        self.id = id
        self.accountId = accountId
        self.text = text
        self.createdAt = createdAt
    }
}

/// Durable safety state: relations, friendships, reports, roles, moderation and notices.
public protocol SafetyStore: Sendable {
    /// Adds a block or mute; throws `conflict` when the same one exists.
    func addRelation(
        kind: Relation.Kind, owner: Int64, target: Int64, targetName: String, now: Date
    ) async throws -> Relation
    /// Removes one of the owner's relations; throws `notFound`.
    func removeRelation(owner: Int64, id: Int64) async throws -> Relation
    /// The relations this account made.
    func relations(owner: Int64) async throws -> [Relation]
    /// Accounts this one blocked or was blocked by (both are hidden from each other).
    func blockedEitherWay(account: Int64) async throws -> Set<Int64>

    /// Asks for friendship; accepts at once when the other side already asked.
    /// Throws `conflict` when a request from this side is pending or they are friends.
    func requestFriend(from: Int64, fromName: String, to: Int64, toName: String, now: Date) async throws
        -> Friendship
    func friendships(account: Int64) async throws -> [Friendship]
    /// Ends a friendship or withdraws/declines a request; throws `notFound`.
    func removeFriendship(account: Int64, id: Int64) async throws -> Friendship

    func fileReport(_ report: Report) async throws -> Report
    func report(id: Int64) async throws -> Report?
    /// Reports in the given spaces (`*` in the set means all), newest first.
    func reports(spaces: Set<String>, status: Report.Status?, limit: Int) async throws -> [Report]
    func reportsFiled(by account: Int64, limit: Int) async throws -> [Report]
    /// Reports this account filed since `since` (for the report rate limit).
    func reportCount(by account: Int64, since: Date) async throws -> Int
    func closeReport(id: Int64, status: Report.Status, outcome: String, now: Date) async throws

    /// Sets (or with `.visitor`, removes) an account's role in a space or `*`.
    func setRole(account: Int64, space: String, role: SpaceRole) async throws
    /// The account's roles by space (`*` for everywhere).
    func roles(account: Int64) async throws -> [String: SpaceRole]

    func recordAction(_ action: ModerationAction) async throws -> ModerationAction
    /// Actions concerning an account, newest first.
    func actions(concerning account: Int64, limit: Int) async throws -> [ModerationAction]
    /// Actions a moderator took, newest first.
    func actions(by moderator: Int64, limit: Int) async throws -> [ModerationAction]

    func addNotice(account: Int64, text: String, now: Date) async throws
    func notices(account: Int64, limit: Int) async throws -> [Notice]

    /// Exhibitions curators made (as JSON), by id; saving an existing id replaces it.
    func exhibitions() async throws -> [(id: String, json: String)]
    func saveExhibition(id: String, space: String, json: String, now: Date) async throws

    /// Curator narration per artwork (Korean and English), added to the catalogue's records.
    func narrations() async throws -> [(artwork: String, ko: String?, en: String?)]
    func saveNarration(artwork: String, ko: String?, en: String?, now: Date) async throws
}
