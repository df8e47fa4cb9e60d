import Foundation
import Privacy
import Storage
import WorldModel

/// Everything the server stores about one account, as one document: the right of access
/// (`GET /api/v1/me/export`) and what an operator hands an authority (`bitgoeul audit lookup --out`).
public struct PersonalExport: Encodable, Sendable {
    /// The sealed life log: the server cannot read it, the owner can with their passphrase.
    struct Vault: Encodable {
        let revision: Int
        let updatedAt: Date
        let envelope: String
    }

    let exportedAt: Date
    let account: Account
    let personas: [WorldModel.Persona]
    /// Every name your personas have had: kept only so erasure can remove them from others' records.
    let personaNamesEverHeld: [String]
    let blocks: [Relation]
    let mutes: [Relation]
    let friendships: [Friendship]
    let reportsFiled: [SafetyController.FiledReport]
    let roles: [String: String]
    let moderationConcerningMe: [ModerationController.ActionView]
    let notices: [Notice]
    let lifelogVault: Vault?
    /// Mission stamps your personas earned, by persona id (the day only where you asked to keep it).
    let stamps: [String: [EarnedStamp]]
    /// What you wrote under the city's proposals, with the persona you wrote it as.
    let proposalComments: [ProposalCommentExport]
    /// Your tag in the transparency log and the staff looks logged under it.
    let transparencyTag: String
    let accessLog: [String]
    var neverStored =
        "Positions, movement, chat, presence, docent questions and the locations sent while playing missions are never stored. "
        + "Votes on proposals are stored under a key destroyed when the comment period closes, not under your account, "
        + "so they cannot be listed here."

    public static func make(account id: Int64, store: any Store, now: Date) async throws -> PersonalExport? {
        guard let me = try await store.account(id: id) else { return nil }
        let relations = try await store.relations(owner: id)
        let filed = try await store.reportsFiled(by: id, limit: 10_000).map(SafetyController.FiledReport.init)
        let tag = SubjectTag.make(secret: try await store.accountSecret(account: id))
        let personas = try await store.personas(accountId: id)
        var stamps: [String: [EarnedStamp]] = [:]
        for p in personas { stamps[String(p.id)] = try await store.stamps(persona: p.id) }
        return PersonalExport(
            exportedAt: now, account: me, personas: personas,
            personaNamesEverHeld: try await store.personaNames(everHeldBy: id),
            blocks: relations.filter { $0.kind == .block }, mutes: relations.filter { $0.kind == .mute },
            friendships: try await store.friendships(account: id), reportsFiled: filed,
            roles: try await store.roles(account: id).mapValues(\.rawValue),
            moderationConcerningMe: try await store.actions(concerning: id, limit: 10_000).map(
                ModerationController.ActionView.init),
            notices: try await store.notices(account: id, limit: 10_000),
            lifelogVault: try await store.vault(account: id).map {
                Vault(revision: $0.revision, updatedAt: $0.updatedAt, envelope: $0.blob)
            }, stamps: stamps,
            proposalComments: try await store.comments(account: id).map(ProposalCommentExport.init),
            transparencyTag: tag,
            accessLog: try await store.accessEntries(subject: tag, limit: 10_000).map(\.json))
    }

    /// The document as pretty JSON.
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }
}

/// One comment under a proposal, as its author's export shows it.
struct ProposalCommentExport: Encodable {
    let proposal: String
    let version: Int
    let persona: Int64
    let inReplyTo: Int64?
    let text: String
    let createdAt: Date
    let editedAt: Date?

    init(_ c: ProposalComment) {
        proposal = c.proposal
        version = c.version
        persona = c.persona
        inReplyTo = c.parent
        text = c.text
        createdAt = c.createdAt
        editedAt = c.editedAt
    }
}
