import Foundation
import Hummingbird
import Safety
import Storage
import WorldModel

/// A citizen's own safety settings: blocks, mutes and friends (list and undo), the reports they
/// filed with their outcome, notices, what moderators did concerning them, their roles, and the
/// export of everything stored about them.
///
/// Blocks, mutes and friend requests are made in the world (`relate` on the WebSocket), where the
/// client knows who it means; here they are listed and undone.
struct SafetyController {
    let services: Services

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

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/api/v1/blocks", use: listBlocks)
            .delete("/api/v1/blocks/{id}", use: removeBlock)
            .get("/api/v1/mutes", use: listMutes)
            .delete("/api/v1/mutes/{id}", use: removeMute)
            .get("/api/v1/friends", use: listFriends)
            .delete("/api/v1/friends/{id}", use: removeFriend)
            .get("/api/v1/reports", use: listFiledReports)
            .get("/api/v1/notices", use: listNotices)
            .get("/api/v1/moderation/about-me", use: listActionsAboutMe)
            .get("/api/v1/me/export", use: export)
            .get("/api/v1/roles", use: listRoles)
    }

    @Sendable func listBlocks(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        try await listRelations(.block, request)
    }

    @Sendable func removeBlock(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        try await removeRelation(.block, request, context)
    }

    @Sendable func listMutes(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        try await listRelations(.mute, request)
    }

    @Sendable func removeMute(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        try await removeRelation(.mute, request, context)
    }

    @Sendable func listFriends(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
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

    @Sendable func removeFriend(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        do {
            let removed = try await services.store.removeFriendship(account: account, id: try Self.pathId(context))
            try await services.rules.refresh(account, removed.other(than: account).account)
        } catch let error as StoreError where error.code == .notFound {
            throw APIError(.notFound, "not_found", error.message)
        }
        return Response(status: .noContent)
    }

    @Sendable func listFiledReports(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let filed = try await services.store.reportsFiled(by: account, limit: Self.listMax).map(FiledReport.init)
        return JSON.response(["reports": filed])
    }

    @Sendable func listNotices(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let notices = try await services.store.notices(account: account, limit: Self.listMax)
        return JSON.response(["notices": notices])
    }

    @Sendable func listActionsAboutMe(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let actions = try await services.store.actions(concerning: account, limit: Self.listMax)
        return JSON.response(["actions": actions.map(ModerationController.ActionView.init)])
    }

    /// Everything stored about the signed-in account, as one JSON document. Positions, chat and
    /// presence are never stored, so they are not in it.
    @Sendable func export(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        guard let export = try await PersonalExport.make(account: account, store: services.store, now: services.now())
        else {
            throw APIError.unauthorized
        }
        return JSON.response(export)
    }

    @Sendable func listRoles(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let roles = try await services.store.roles(account: account)
        return JSON.response(["roles": roles.mapValues(\.rawValue)])
    }

    func listRelations(_ kind: Relation.Kind, _ request: Request) async throws -> Response {
        let account = try await services.requireAccount(request)
        let items = try await services.store.relations(owner: account).filter { $0.kind == kind }
        return JSON.response(Entries(items: items.map { Entry(id: $0.id, name: $0.targetName, since: $0.createdAt) }))
    }

    func removeRelation(_ kind: Relation.Kind, _ request: Request, _ context: BitgoeulRequestContext) async throws
        -> Response
    {
        let account = try await services.requireAccount(request)
        let id = try Self.pathId(context)
        let mine = try await services.store.relations(owner: account)
        guard mine.contains(where: { $0.id == id && $0.kind == kind }) else {
            throw APIError(.notFound, "not_found", "no \(kind.rawValue) \(id) of yours")
        }
        let removed = try await services.store.removeRelation(owner: account, id: id)
        try await services.rules.refresh(account, removed.targetAccount)
        return Response(status: .noContent)
    }

    static func pathId(_ context: BitgoeulRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError(.notFound, "not_found", "ids are positive integers")
        }
        return id
    }
}

extension SafetyController.FiledReport {
    init(_ r: Report) {
        self.init(
            id: r.id, reportedName: r.reportedName, space: r.space, category: r.category, createdAt: r.createdAt,
            status: r.status, outcome: r.outcome)
    }
}
