import Foundation
import Logging
import Planning
import Realtime
import Storage
import WorldModel

extension Services {
    var planning: PlanningDesk { planningDesk }

    /// Books a version, lets members of its space walk its layer, and queues its effects (with
    /// `compute`; otherwise they are computed when first asked for).
    func publish(_ v: ProposalBook.Version, space: Space, compute: Bool = true) {
        planning.book.put(v)
        if let buildings = try? planning.buildings(of: space) {
            engine.directory[space.id]?.installLayer(
                proposal: v.proposal.id, version: v.number, space: v.proposal.proposedSpace(space, buildings: buildings)
            )
        }
        if compute { planning.computeEffects(v, space: space) }
    }

    /// Reads a stored version and publishes it; a version that no longer checks (its space changed)
    /// is logged and left out.
    func publishStored(_ stored: StoredProposal) {
        guard let space = world.space(id: stored.space) else { return }
        do {
            let document = try ProposalRules.decode(Data(stored.json.utf8))
            let proposal = try planning.check(document, id: stored.id, space: space)
            publish(
                ProposalBook.Version(
                    number: stored.version, proposal: proposal, json: stored.json, savedAt: stored.savedAt),
                space: space, compute: config.planningPrecompute)
        } catch {
            planning.noteUnloaded(
                stored.id, closes: (try? ProposalRules.decode(Data(stored.json.utf8)))?.period.closes)
            logger.error(
                "a stored proposal no longer checks",
                metadata: ["proposal": "\(stored.id)@\(stored.version)", "why": "\(error)"])
        }
    }

    /// Another node saved a version of `id`: read its versions from the shared store.
    func reloadProposal(_ id: String) async {
        for stored in (try? await store.proposalVersions()) ?? [] where stored.id == id {
            if let have = planning.book.version(id, stored.version), have.savedAt == stored.savedAt { continue }
            publishStored(stored)
        }
    }

    /// The proposals shipped with the worlds (`worlds/<region>/proposals/*.json`, each naming its
    /// space) as version 1; a bad file stops the start with its file, field and reason.
    static func shippedProposals(_ config: ServerConfig, world: World, desk: PlanningDesk, now: Date) throws
        -> [(ProposalBook.Version, Space)]
    {
        var out: [(ProposalBook.Version, Space)] = []
        for dir in config.worldDirectories.map({ $0.appendingPathComponent("proposals") }) {
            let files = ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            for file in files {
                func fail(_ field: String, _ reason: String) -> ManifestError {
                    ManifestError(file: file.path, field: field, reason: reason)
                }
                let data = try Data(contentsOf: file)
                let document: ProposalDocument
                let proposal: Proposal
                do {
                    document = try ProposalRules.decode(data)
                    guard let spaceId = document.space, let space = world.space(id: spaceId) else {
                        throw fail("space", "a shipped proposal names a space of this world")
                    }
                    let id = document.id ?? file.deletingPathExtension().lastPathComponent
                    proposal = try ProposalRules.check(
                        document, id: id, space: space, buildings: try desk.buildings(of: space))
                    guard !out.contains(where: { $0.0.proposal.id == id }) else {
                        throw fail("id", "'\(id)' is used twice")
                    }
                    let json = String(decoding: try ProposalRules.encoder().encode(document), as: UTF8.self)
                    out.append((ProposalBook.Version(number: 1, proposal: proposal, json: json, savedAt: now), space))
                } catch let p as FieldProblem {
                    throw fail(p.field, p.reason)
                }
            }
        }
        return out
    }
}
