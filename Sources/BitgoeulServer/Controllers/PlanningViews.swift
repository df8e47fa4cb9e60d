import Foundation
import Planning
import Simulation
import Storage
import WorldModel

/// What the planning API sends (docs/planning.md "API").
enum PlanningViews {
    struct Period: Encodable {
        let opens: Date
        let closes: Date
    }

    struct Summary: Encodable {
        let id: String
        let space: String
        let version: Int
        let title: LocalizedText
        let description: LocalizedText
        let period: Period
        let state: String
        let tally: Tally
        let comments: Int
    }

    /// One change in the space's frame; fields not used by a kind are left out.
    struct Change: Encodable {
        let kind: String
        var id: String?
        var ring: [[Double]]?
        var heightM: Double?
        var at: [Double]?
        var headingDeg: Double?
        var url: String?
        var ids: [String]?
        var agents: Int?
        var exits: Int?
    }

    struct EffectsState: Encodable {
        let state: String
        var progress: Double?
        var reason: String?
    }

    struct Proposal: Encodable {
        let id: String
        let space: String
        let version: Int
        let versions: [Int]
        let title: LocalizedText
        let description: LocalizedText
        let period: Period
        let state: String
        let tally: Tally
        let comments: Int
        let changes: [Change]
        let effects: EffectsState
        /// The caller's stance on this version (signed-in requests while the ballot key exists).
        let myStance: String?
        /// Where the report is, once the period has closed.
        let report: String?
    }

    struct Comment: Encodable {
        let id: Int64
        let version: Int
        let parent: Int64?
        let author: String
        let planner: Bool
        let text: String
        let createdAt: Date
        let editedAt: Date?
        let mine: Bool
        var replies: [Comment]

        init(_ c: ProposalComment, viewer: Int64?) {
            id = c.id
            version = c.version
            parent = c.parent
            author = c.author
            planner = c.planner
            text = c.text
            createdAt = c.createdAt
            editedAt = c.editedAt
            mine = viewer == c.account
            replies = []
        }
    }

    struct VoteAnswer: Encodable {
        let version: Int
        let stance: String?
        let tally: Tally
    }

    static func ring(_ p: Polygon) -> [[Double]] {
        p.points.map { [($0.x * 100).rounded() / 100, ($0.y * 100).rounded() / 100] }
    }

    /// The changes of a checked proposal as the client draws them.
    static func changes(_ p: Planning.Proposal, base: String, version: Int) -> [Change] {
        var out: [Change] = []
        for change in p.document.changes {
            switch change {
            case .addBuilding(let id, _, _), .addModel(let id, _, _, _):
                guard let added = p.added.first(where: { $0.id == id }) else { continue }
                var view = Change(kind: change.kind, id: id, ring: ring(added.ring), heightM: added.heightM)
                if let model = added.model {
                    view.at = [model.at.x, model.at.y]
                    view.headingDeg = model.headingDeg
                    view.url = "\(base)/models/\(id).glb?version=\(version)"
                }
                out.append(view)
            case .removeBuildings(let ids):
                out.append(Change(kind: change.kind, ids: ids))
            case .closeArea(let id, _):
                guard let closed = p.closed.first(where: { $0.id == id }) else { continue }
                out.append(Change(kind: change.kind, id: id, ring: ring(closed.ring)))
            case .crowd:
                let s = p.scenario
                out.append(
                    Change(
                        kind: change.kind, agents: s?.groups.reduce(0) { $0 + ($1.count ?? 0) }, exits: s?.exits.count))
            }
        }
        return out
    }

    /// Comments as one level of threads, oldest first, without those `hidden` hides.
    static func threads(_ comments: [ProposalComment], viewer: Int64?, hidden: Set<Int64>, version: Int?)
        -> [Comment]
    {
        let visible = comments.filter { !hidden.contains($0.account) && (version == nil || $0.version == version) }
        var tops = visible.filter { $0.parent == nil }.map { Comment($0, viewer: viewer) }
        let index = Dictionary(uniqueKeysWithValues: tops.enumerated().map { ($1.id, $0) })
        for reply in visible where reply.parent != nil {
            if let k = index[reply.parent!] { tops[k].replies.append(Comment(reply, viewer: viewer)) }
        }
        return tops
    }
}
