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
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await closeEnded()
            try? await gracefulShutdown(for: .seconds(services.config.planningPeriodS))
        }
    }

    func closeEnded() async {
        let now = services.now()
        for v in services.planning.book.latest() where v.period.state(at: now) == .closed {
            do {
                if try await services.store.proposalReport(proposal: v.proposal.id) == nil {
                    let report = try await ProposalReport.make(v, services: services)
                    let json = String(decoding: try ProposalReport.encoder.encode(report), as: UTF8.self)
                    try await services.store.saveProposalReport(proposal: v.proposal.id, json: json)
                    let file = services.planning.versionFolder(v.proposal.id, v.number, space: v.proposal.space)
                        .deletingLastPathComponent().appendingPathComponent("report.json")
                    try FileManager.default.createDirectory(
                        at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try AtomicFile.write(Data(json.utf8), to: file)
                    logger.info("proposal closed", metadata: ["proposal": "\(v.proposal.id)"])
                }
                // After the report: a crash in between leaves the key, and the next round destroys it.
                try await services.store.destroyBallotKey(proposal: v.proposal.id)
            } catch {
                logger.error(
                    "closing a proposal failed", metadata: ["proposal": "\(v.proposal.id)", "error": "\(error)"])
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
