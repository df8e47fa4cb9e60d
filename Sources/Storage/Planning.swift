import Foundation

/// One version of a proposal, as the planner wrote it (JSON, docs/planning.md).
public struct StoredProposal: Hashable, Sendable {
    public var id: String
    public var space: String
    public var version: Int
    public var json: String
    public var savedAt: Date

    public init(id: String, space: String, version: Int, json: String, savedAt: Date) {
        self.id = id
        self.space = space
        self.version = version
        self.json = json
        self.savedAt = savedAt
    }
}

/// A comment under a proposal: public speech by a persona. The account is kept for blocks,
/// moderation and erasure, and never shown.
public struct ProposalComment: Hashable, Sendable {
    public var id: Int64
    public var proposal: String
    public var version: Int
    public var parent: Int64?
    public var account: Int64
    public var persona: Int64
    public var author: String
    /// Written by a planner of the space, answering as the planner.
    public var planner: Bool
    public var text: String
    public var createdAt: Date
    public var editedAt: Date?

    public init(
        id: Int64 = 0, proposal: String, version: Int, parent: Int64?, account: Int64, persona: Int64, author: String,
        planner: Bool, text: String, createdAt: Date, editedAt: Date? = nil
    ) {
        self.id = id
        self.proposal = proposal
        self.version = version
        self.parent = parent
        self.account = account
        self.persona = persona
        self.author = author
        self.planner = planner
        self.text = text
        self.createdAt = createdAt
        self.editedAt = editedAt
    }
}

/// Durable state of plans: proposal versions, the ballot, the discussion and the frozen reports.
///
/// The ballot holds no account or persona id: a vote is keyed by a pseudonym the caller derives
/// from the proposal's ballot key, and the key is destroyed when the period closes.
public protocol PlanningStore: Sendable {
    /// Every saved version of every proposal, by id and version.
    func proposalVersions() async throws -> [StoredProposal]
    /// Saves a version: inserts it (throws `conflict` when that version exists), or with `replacing`
    /// replaces the same version (a draft's edit).
    func saveProposal(_ proposal: StoredProposal, replacing: Bool) async throws

    /// The proposal's ballot key, made from `fresh` on first use; nil once destroyed.
    func ballotKey(proposal: String, fresh: Data) async throws -> Data?
    /// Destroys the key for good; votes stay, unlinkable.
    func destroyBallotKey(proposal: String) async throws
    /// Sets (or with nil withdraws) the voter's stance on a version; one row per voter. Only while
    /// the proposal's key exists: false (nothing written) once it was destroyed.
    @discardableResult
    func vote(proposal: String, version: Int, voter: Data, stance: String?) async throws -> Bool
    func stance(proposal: String, version: Int, voter: Data) async throws -> String?
    /// Votes per stance for a version.
    func tally(proposal: String, version: Int) async throws -> [String: Int]

    /// Adds a comment and returns it with its id; refused (`.limit`) past `commentsMax` for the proposal.
    func addComment(_ comment: ProposalComment, commentsMax: Int) async throws -> ProposalComment
    func comment(id: Int64) async throws -> ProposalComment?
    /// Replaces the text of the author's comment; false when it is not theirs.
    func editComment(id: Int64, account: Int64, text: String, now: Date) async throws -> Bool
    /// Removes a comment and its replies.
    func removeComment(id: Int64) async throws
    /// The proposal's comments, all versions, oldest first.
    func comments(proposal: String) async throws -> [ProposalComment]
    /// Everything the account wrote under proposals (for its export), oldest first.
    func comments(account: Int64) async throws -> [ProposalComment]

    /// The frozen report of a closed proposal (JSON); saved once.
    func saveProposalReport(proposal: String, json: String) async throws
    func proposalReport(proposal: String) async throws -> String?
}
