import Cluster
import Foundation
import Hummingbird
import NIOCore
import Planning
import Realtime
import Storage
import WorldModel

/// Proposals over HTTP (docs/planning.md): planners publish and edit them; anyone reads them,
/// their effects and their models; citizens vote and comment (PlanningController+Voice).
struct PlanningController {
    let services: Services
    static let base = "/api/v1/spaces/{region}/{space}/proposals"

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get(RouterPath(Self.base), use: list)
            .post(RouterPath(Self.base), use: publish)
            .get("\(Self.base)/{id}", use: show)
            .put("\(Self.base)/{id}", use: edit)
            .get("\(Self.base)/{id}/effects", use: effects)
            .get("\(Self.base)/{id}/models/{file}", use: model)
            .post("\(Self.base)/{id}/votes", use: vote)
            .get("\(Self.base)/{id}/comments", use: comments)
            .post("\(Self.base)/{id}/comments", use: addComment)
            .patch("\(Self.base)/{id}/comments/{comment}", use: editComment)
            .delete("\(Self.base)/{id}/comments/{comment}", use: removeComment)
            .post("\(Self.base)/{id}/comments/{comment}/report", use: reportComment)
            .get("\(Self.base)/{id}/report", use: report)
            .get("\(Self.base)/{id}/report.html", use: reportPage)
            .get("/api/v1/stats/proposals", use: statistics)
    }

    var desk: PlanningDesk { services.planning }

    // MARK: Reading

    @Sendable func list(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let space = try self.space(context)
        var out: [PlanningViews.Summary] = []
        for v in desk.book.latest(space: space.id) { out.append(try await summary(v)) }
        return JSON.response(["proposals": out])
    }

    @Sendable func show(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let (space, v) = try version(request, context)
        return JSON.response(try await view(v, space: space, request: request))
    }

    /// The effects of a version: 200 with the figures when done, 202 with the progress before.
    @Sendable func effects(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let (space, v) = try version(request, context)
        if let data = desk.effects(v) {
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        let state = effectsState(v, space: space)
        return JSON.response(state, status: state.state == "failed" ? .ok : .accepted)
    }

    /// The GLB of an `add_model` change.
    @Sendable func model(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let (_, v) = try version(request, context)
        let file = context.parameters.get("file") ?? ""
        for change in v.proposal.document.changes {
            if case .addModel(let id, let glb, _, _) = change, "\(id).glb" == file {
                return Response(
                    status: .ok,
                    headers: [.contentType: "model/gltf-binary", .cacheControl: "public, max-age=60"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: glb)))
            }
        }
        throw APIError(.notFound, "not_found", "no model '\(file.prefix(60))' in this version")
    }

    // MARK: Publishing

    /// A planner publishes a new proposal for the space (201).
    @Sendable func publish(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let space = try self.space(context)
        try await requirePlanner(account, space.id)
        let document = try await readDocument(request)
        var id = document.id ?? ProposalRules.slug(document.title.en)
        if document.id == nil {
            var n = 2
            while desk.book.latest(id) != nil && n < 100 {
                id = String(ProposalRules.slug(document.title.en).prefix(44)) + "-\(n)"
                n += 1
            }
        }
        guard desk.book.latest(id) == nil else {
            throw APIError(.conflict, "conflict", "a proposal '\(id)' exists; PUT to change it")
        }
        guard desk.book.count < ProposalBook.proposalsMax else {
            throw APIError(
                .conflict, "limit", "this city keeps \(ProposalBook.proposalsMax) proposals, the most it can")
        }
        let now = services.now()
        guard document.period.closes > now else {
            throw APIError.invalid("period.closes", "the comment period must end in the future")
        }
        let v = try await save(document, id: id, version: 1, space: space, now: now, replacing: false)
        return JSON.response(try await view(v, space: space, request: request), status: .created)
    }

    /// A planner edits a proposal: in place before the period opens, as a new version while it is
    /// open; never after it closed.
    @Sendable func edit(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let space = try self.space(context)
        let current = try latest(context, space: space)
        try await requirePlanner(account, space.id)
        let document = try await readDocument(request)
        let now = services.now()
        let number: Int
        switch current.period.state(at: now) {
        case .closed:
            throw APIError(.conflict, "closed", "the comment period has closed; the proposal is final")
        case .draft:
            guard document.period.closes > now else {
                throw APIError.invalid("period.closes", "the comment period must end in the future")
            }
            number = current.number
        case .open:
            // A new version; the period goes on from where it is and may be extended, not shortened.
            guard document.period.opens == current.period.opens else {
                throw APIError.invalid("period.opens", "the period has opened; its start stays as it was")
            }
            guard document.period.closes >= current.period.closes else {
                throw APIError.invalid("period.closes", "an open period may be extended, not shortened")
            }
            guard current.number < ProposalBook.versionsMax else {
                throw APIError(.conflict, "limit", "a proposal has at most \(ProposalBook.versionsMax) versions")
            }
            number = current.number + 1
        }
        let v = try await save(
            document, id: current.proposal.id, version: number, space: space, now: now,
            replacing: number == current.number)
        return JSON.response(try await view(v, space: space, request: request))
    }

    /// Checks, stores, books the version, makes its layer walkable and queues its effects.
    func save(_ document: ProposalDocument, id: String, version: Int, space: Space, now: Date, replacing: Bool)
        async throws -> ProposalBook.Version
    {
        var document = document
        document.id = id
        document.space = space.id
        let proposal: Proposal
        do {
            proposal = try desk.check(document, id: id, space: space)
        } catch let p as FieldProblem {
            throw APIError.invalid(p.field, p.reason)
        }
        let json = String(decoding: try ProposalRules.encoder().encode(document), as: UTF8.self)
        do {
            // Insert-only for a new proposal or version: another node (or request) that saved it first wins.
            try await services.store.saveProposal(
                StoredProposal(id: id, space: space.id, version: version, json: json, savedAt: now),
                replacing: replacing)
        } catch let e as StoreError where e.code == .conflict {
            throw APIError(.conflict, "conflict", "\(e.message); read the proposal again and retry")
        }
        let v = ProposalBook.Version(number: version, proposal: proposal, json: json, savedAt: now)
        services.publish(v, space: space)
        services.events?.send(.proposalSaved(id: id))
        return v
    }

    func readDocument(_ request: Request) async throws -> ProposalDocument {
        try requireMediaType(request, "application/json")
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: ProposalRules.bodyBytesMax)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "a proposal is at most \(ProposalRules.bodyBytesMax) bytes")
        }
        do {
            return try ProposalRules.decode(Data(body.readableBytesView))
        } catch let p as FieldProblem {
            throw APIError.invalid(p.field, p.reason)
        }
    }

    // MARK: Helpers

    func space(_ context: BitgoeulRequestContext) throws -> Space {
        let id = "\(context.parameters.get("region") ?? "")/\(context.parameters.get("space") ?? "")"
        guard let space = services.world.space(id: id) else {
            throw APIError(.notFound, "unknown_space", "no space '\(id.prefix(80))'")
        }
        return space
    }

    func latest(_ context: BitgoeulRequestContext, space: Space) throws -> ProposalBook.Version {
        guard let id = context.parameters.get("id"), let v = desk.book.latest(id), v.proposal.space == space.id else {
            throw APIError(.notFound, "not_found", "no such proposal in \(space.id)")
        }
        return v
    }

    /// The version asked for with `?version=`, or the latest.
    func version(_ request: Request, _ context: BitgoeulRequestContext) throws -> (Space, ProposalBook.Version) {
        let space = try self.space(context)
        let latest = try latest(context, space: space)
        guard let text = request.uri.queryParameters.get("version") else { return (space, latest) }
        guard let n = Int(text), let v = desk.book.version(latest.proposal.id, n) else {
            throw APIError(.notFound, "not_found", "no version '\(text.prefix(10))' of this proposal")
        }
        return (space, v)
    }

    func requirePlanner(_ account: Int64, _ space: String) async throws {
        guard try await isPlanner(account, space) else {
            throw APIError(.forbidden, "not_allowed", "planners and owners of '\(space)' publish proposals there")
        }
    }

    /// A planner of the space (or of every space), or its owner: a planner who also holds another role
    /// elsewhere keeps planning.
    func isPlanner(_ account: Int64, _ space: String) async throws -> Bool {
        let roles = try await services.store.roles(account: account)
        return roles[space] == .planner || roles["*"] == .planner
            || max(roles[space] ?? .visitor, roles["*"] ?? .visitor) == .owner
    }

    func effectsState(_ v: ProposalBook.Version, space: Space) -> PlanningViews.EffectsState {
        switch desk.status(v) {
        case .done: return PlanningViews.EffectsState(state: "done")
        case .running(let p): return PlanningViews.EffectsState(state: "running", progress: p)
        case .failed(let reason): return PlanningViews.EffectsState(state: "failed", reason: reason)
        case .queued: return PlanningViews.EffectsState(state: "queued", progress: 0)
        case nil:
            desk.computeEffects(v, space: space)
            return PlanningViews.EffectsState(state: "queued", progress: 0)
        }
    }

    func tally(_ id: String, _ version: Int) async throws -> Tally {
        let t = try await services.store.tally(proposal: id, version: version)
        return Tally(support: t["support"] ?? 0, oppose: t["oppose"] ?? 0)
    }

    func summary(_ v: ProposalBook.Version) async throws -> PlanningViews.Summary {
        let p = v.proposal
        return PlanningViews.Summary(
            id: p.id, space: p.space, version: v.number, title: p.document.title, description: p.document.description,
            period: PlanningViews.Period(opens: v.period.opens, closes: v.period.closes),
            state: v.period.state(at: services.now()).rawValue, tally: try await tally(p.id, v.number),
            comments: try await services.store.comments(proposal: p.id).count)
    }

    func view(_ v: ProposalBook.Version, space: Space, request: Request) async throws -> PlanningViews.Proposal {
        let p = v.proposal
        let s = try await summary(v)
        let base = "/api/v1/spaces/\(space.id)/proposals/\(p.id)"
        var mine: String?
        if let token = bearerToken(request), let account = try await services.account(forToken: token),
            let key = try await services.store.ballotKey(proposal: p.id, fresh: Ballot.newKey())
        {
            mine = try await services.store.stance(
                proposal: p.id, version: v.number, voter: Ballot.voter(account: account, key: key))
        }
        return PlanningViews.Proposal(
            id: p.id, space: p.space, version: v.number, versions: desk.book.versions(p.id).map(\.number),
            title: s.title, description: s.description, period: s.period, state: s.state, tally: s.tally,
            comments: s.comments, changes: PlanningViews.changes(p, base: base, version: v.number),
            effects: effectsState(v, space: space), myStance: mine,
            report: s.state == "closed" ? "\(base)/report.html" : nil)
    }
}
