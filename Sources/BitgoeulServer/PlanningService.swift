import DurableFiles
import Foundation
import Logging
import Planning
import ServiceLifecycle
import Storage
import WorldModel

/// Brings in the proposal versions planners saved, then every `planningPeriodS` closes the
/// proposals whose period ended: the tally, the comments and the planner's answers are frozen into
/// a report (stored, and written as `report.json` beside the effects), and the ballot key is
/// destroyed so no vote can be linked to an account any more.
struct PlanningService: Service {
    let services: Services
    let logger: Logger

    func run() async throws {
        for stored in (try? await services.store.proposalVersions()) ?? [] { services.publishStored(stored) }
        var closed: Set<String> = []
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await closeEnded(&closed)
            try? await gracefulShutdown(for: .seconds(services.config.planningPeriodS))
        }
    }

    /// Closes each proposal whose period ended, once: first the ballot key goes (no vote lands
    /// after), then, once the last version's effects are computed (or failed), the report is frozen.
    func closeEnded(_ closed: inout Set<String>) async {
        let now = services.now()
        // Proposals that no longer load (their space changed) still lose their key when they end.
        for (id, closes) in services.planning.unloaded() where !closed.contains(id) && closes.map({ $0 <= now }) ?? true
        {
            if (try? await services.store.destroyBallotKey(proposal: id)) != nil { closed.insert(id) }
        }
        for v in services.planning.book.latest()
        where v.period.state(at: now) == .closed && !closed.contains(v.proposal.id) {
            let id = v.proposal.id
            do {
                try await services.store.destroyBallotKey(proposal: id)
                var json = try await services.store.proposalReport(proposal: id)
                if json == nil {
                    switch services.planning.status(v) {
                    case .done, .failed: break
                    default:
                        // Not yet computed here (after a restart, or on another node): wait for it.
                        if let space = services.world.space(id: v.proposal.space) {
                            services.planning.computeEffects(v, space: space)
                        }
                        continue
                    }
                    let report = try await ProposalReport.make(v, services: services)
                    try await services.store.saveProposalReport(
                        proposal: id, json: String(decoding: try ProposalReport.encoder.encode(report), as: UTF8.self))
                    // Another node may have frozen it first: the stored one is the report.
                    json = try await services.store.proposalReport(proposal: id)
                    logger.info("proposal closed", metadata: ["proposal": "\(id)"])
                }
                if let json {
                    let file = services.planning.versionFolder(id, v.number, space: v.proposal.space)
                        .deletingLastPathComponent().appendingPathComponent("report.json")
                    try FileManager.default.createDirectory(
                        at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try AtomicFile.write(Data(json.utf8), to: file)
                    closed.insert(id)
                }
            } catch {
                logger.error("closing a proposal failed", metadata: ["proposal": "\(id)", "error": "\(error)"])
            }
        }
    }
}

/// What stays of a proposal once its period closed: every version's tally, the discussion with
/// the planner's answers, and the effects of the last version (docs/planning.md).
struct ProposalReport: Codable {
    struct VersionTally: Codable {
        let version: Int
        let savedAt: Date
        let tally: Tally
    }

    struct Comment: Codable {
        let id: Int64
        let version: Int
        let author: String
        let planner: Bool
        let text: String
        let createdAt: Date
        let editedAt: Date?
        var replies: [Comment]
    }

    let id: String
    let space: String
    let title: LocalizedText
    let description: LocalizedText
    let opens: Date
    let closes: Date
    let versions: [VersionTally]
    let comments: [Comment]
    /// The last version's effects, without the shadow grids (they stay in the effects file).
    let effects: Effects?
    let credit: String?

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    static func make(_ v: ProposalBook.Version, services: Services) async throws -> ProposalReport {
        let id = v.proposal.id
        var versions: [VersionTally] = []
        for old in services.planning.book.versions(id) {
            let t = try await services.store.tally(proposal: id, version: old.number)
            versions.append(
                VersionTally(
                    version: old.number, savedAt: old.savedAt,
                    tally: Tally(support: t["support"] ?? 0, oppose: t["oppose"] ?? 0)))
        }
        let all = try await services.store.comments(proposal: id)
        func view(_ c: ProposalComment) -> Comment {
            Comment(
                id: c.id, version: c.version, author: c.author, planner: c.planner, text: c.text,
                createdAt: c.createdAt,
                editedAt: c.editedAt, replies: [])
        }
        var tops = all.filter { $0.parent == nil }.map(view)
        for reply in all where reply.parent != nil {
            if let k = tops.firstIndex(where: { $0.id == reply.parent }) { tops[k].replies.append(view(reply)) }
        }
        var effects = services.planning.effects(v).flatMap { try? decoder.decode(Effects.self, from: $0) }
        effects?.shadow?.winter.addedSteps = ""
        effects?.shadow?.summer.addedSteps = ""
        let p = v.proposal
        return ProposalReport(
            id: id, space: p.space, title: p.document.title, description: p.document.description,
            opens: v.period.opens, closes: v.period.closes, versions: versions, comments: tops, effects: effects,
            credit: services.world.space(id: p.space)?.attribution)
    }
}
