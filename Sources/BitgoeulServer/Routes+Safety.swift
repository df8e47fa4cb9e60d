import Foundation
import Hummingbird
import Safety
import Storage
import WorldModel

/// A citizen's own safety settings: blocks, mutes and friends (list and undo), the reports they
/// filed with their outcome, notices, and what moderators did concerning them.
///
/// Blocks, mutes and friend requests are made in the world (`relate` on the WebSocket), where the
/// client knows who it means; here they are listed and undone.
enum SafetyRoutes {
    /// A block, mute or friend as its owner sees it: the persona name they acted on, never the account.
    struct Entry: Encodable {
        let id: Int64
        let name: String
        let since: Date
    }

    struct Entries: Encodable {
        let items: [Entry]
    }

    struct Friends: Encodable {
        let friends: [Entry]
        /// Requests others sent to you (accept by befriending them in the world) and yours pending.
        let incoming: [Entry]
        let outgoing: [Entry]
    }

    struct FiledReport: Encodable {
        let id: Int64
        let reportedName: String
        let space: String
        let category: ReportCategory
        let createdAt: Date
        let status: Report.Status
        let outcome: String?
    }

    static let listMax = 200

    /// An account's data export. Positions, chat and presence are never stored, so they are not in it.
    static func add(to router: Router<BitgoeulRequestContext>, services: Services) {
        for kind in Relation.Kind.allCases {
            let path = kind == .block ? "blocks" : "mutes"
            router.get("/api/v1/\(path)") { request, _ -> Response in
                let account = try await services.requireAccount(request)
                let items = try await services.store.relations(owner: account).filter { $0.kind == kind }
                return JSON.response(
                    Entries(items: items.map { Entry(id: $0.id, name: $0.targetName, since: $0.createdAt) }))
            }
            router.delete("/api/v1/\(path)/{id}") { request, context -> Response in
                let account = try await services.requireAccount(request)
                let id = try pathId(context)
                let mine = try await services.store.relations(owner: account)
                guard mine.contains(where: { $0.id == id && $0.kind == kind }) else {
                    throw APIError(.notFound, "not_found", "no \(kind.rawValue) \(id) of yours")
                }
                let removed = try await services.store.removeRelation(owner: account, id: id)
                try await services.rules.refresh(account, removed.targetAccount)
                return Response(status: .noContent)
            }
        }

        router.get("/api/v1/friends") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            let all = try await services.store.friendships(account: account)
            func entry(_ f: Friendship) -> Entry {
                Entry(id: f.id, name: f.other(than: account).name, since: f.createdAt)
            }
            return JSON.response(
                Friends(
                    friends: all.filter(\.accepted).map(entry),
                    incoming: all.filter { !$0.accepted && $0.toAccount == account }.map(entry),
                    outgoing: all.filter { !$0.accepted && $0.fromAccount == account }.map(entry)))
        }

        router.delete("/api/v1/friends/{id}") { request, context -> Response in
            let account = try await services.requireAccount(request)
            do {
                let removed = try await services.store.removeFriendship(account: account, id: try pathId(context))
                try await services.rules.refresh(account, removed.other(than: account).account)
            } catch let error as StoreError where error.code == .notFound {
                throw APIError(.notFound, "not_found", error.message)
            }
            return Response(status: .noContent)
        }

        router.get("/api/v1/reports") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            let filed = try await services.store.reportsFiled(by: account, limit: listMax).map {
                FiledReport(
                    id: $0.id, reportedName: $0.reportedName, space: $0.space, category: $0.category,
                    createdAt: $0.createdAt, status: $0.status, outcome: $0.outcome)
            }
            return JSON.response(["reports": filed])
        }

        router.get("/api/v1/notices") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            let notices = try await services.store.notices(account: account, limit: listMax)
            return JSON.response(["notices": notices])
        }

        router.get("/api/v1/moderation/about-me") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            let actions = try await services.store.actions(concerning: account, limit: listMax)
            return JSON.response(["actions": actions.map(ModerationRoutes.ActionView.init)])
        }

        // Everything stored about the signed-in account, as one JSON document.
        router.get("/api/v1/me/export") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            guard
                let export = try await PersonalExport.make(account: account, store: services.store, now: services.now())
            else {
                throw APIError.unauthorized
            }
            return JSON.response(export)
        }

        router.get("/api/v1/roles") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            let roles = try await services.store.roles(account: account)
            return JSON.response(["roles": roles.mapValues(\.rawValue)])
        }
    }

    static func pathId(_ context: BitgoeulRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError(.notFound, "not_found", "ids are positive integers")
        }
        return id
    }
}
