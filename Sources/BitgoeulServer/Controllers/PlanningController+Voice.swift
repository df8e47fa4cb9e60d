import Clocks
import Foundation
import Hummingbird
import Planning
import Realtime
import Safety
import Storage
import WorldModel

/// The public's voice on a proposal: one vote per account, comments under the safety rules, and
/// the report frozen at the close (docs/planning.md).
extension PlanningController {
    struct VoteInput: Decodable {
        let persona: Int64
        let stance: String
    }

    struct CommentInput: Decodable {
        let persona: Int64
        let text: String
        let parent: Int64?
    }

    struct EditInput: Decodable {
        let text: String
    }

    struct ReportInput: Decodable {
        let persona: Int64
        let category: String
        let note: String?
    }

    /// Sets, changes or (`none`) withdraws the account's stance on the latest version.
    @Sendable func vote(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let space = try self.space(context)
        let v = try latest(context, space: space)
        let input = try await request.decode(as: VoteInput.self, context: context)
        try await requireOwn(input.persona, account)
        guard input.stance == "none" || Stance(rawValue: input.stance) != nil else {
            throw APIError.invalid("stance", "support, oppose or none")
        }
        try requireOpen(v)
        try desk.spend(account: account, now: services.clock.monotonicS())
        let id = v.proposal.id
        guard let key = try await services.store.ballotKey(proposal: id, fresh: Ballot.newKey()) else {
            throw APIError(.conflict, "not_open", "the ballot of this proposal is closed")
        }
        let stance = input.stance == "none" ? nil : input.stance
        // The same account gives the same voter whatever persona it votes with: a second vote replaces the first.
        guard
            try await services.store.vote(
                proposal: id, version: v.number, voter: Ballot.voter(account: account, key: key), stance: stance)
        else { throw APIError(.conflict, "not_open", "the ballot of this proposal is closed") }
        return JSON.response(
            PlanningViews.VoteAnswer(version: v.number, stance: stance, tally: try await tally(id, v.number)))
    }

    /// Comments, threaded one level; a signed-in reader does not see those blocked either way.
    @Sendable func comments(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let space = try self.space(context)
        let v = try latest(context, space: space)
        var viewer: Int64?
        var hidden: Set<Int64> = []
        if let token = bearerToken(request), let account = try await services.account(forToken: token) {
            viewer = account
            hidden = try await services.store.blockedEitherWay(account: account)
        }
        let version = try request.uri.queryParameters.get("version").map { text -> Int in
            guard let n = Int(text), desk.book.version(v.proposal.id, n) != nil else {
                throw APIError(.notFound, "not_found", "no version '\(text.prefix(10))' of this proposal")
            }
            return n
        }
        let all = try await services.store.comments(proposal: v.proposal.id)
        return JSON.response([
            "comments": PlanningViews.threads(all, viewer: viewer, hidden: hidden, version: version)
        ])
    }

    @Sendable func addComment(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let space = try self.space(context)
        let v = try latest(context, space: space)
        let input = try await request.decode(as: CommentInput.self, context: context)
        let persona = try await requireOwn(input.persona, account)
        if let p = Discussion.textProblem(input.text) { throw APIError.invalid(p.field, p.reason) }
        try requireOpen(v)
        try await requireUnsanctioned(account, space.id)
        var version = v.number
        if let parent = input.parent {
            guard let p = try await services.store.comment(id: parent), p.proposal == v.proposal.id else {
                throw APIError(.notFound, "not_found", "no comment \(parent) under this proposal")
            }
            guard p.parent == nil else {
                throw APIError(.unprocessableContent, "reply_depth", "answer the comment, not a reply to it")
            }
            // An answer belongs to the version its question was asked on.
            version = p.version
        }
        try desk.spend(account: account, now: services.clock.monotonicS())
        let planner = try await isPlanner(account, space.id)
        let comment: ProposalComment
        do {
            comment = try await services.store.addComment(
                ProposalComment(
                    proposal: v.proposal.id, version: version, parent: input.parent, account: account,
                    persona: input.persona, author: persona.name, planner: planner,
                    text: services.words.mask(input.text), createdAt: services.now()),
                commentsMax: Discussion.commentsMax)
        } catch let e as StoreError where e.code == .limit {
            throw APIError(.conflict, "limit", e.message)
        } catch let e as StoreError where e.code == .notFound {
            throw APIError(.notFound, "not_found", "the comment answered was removed meanwhile")
        }
        return JSON.response(PlanningViews.Comment(comment, viewer: account), status: .created)
    }

    /// The author corrects a comment within ten minutes of writing it, while the period is open.
    @Sendable func editComment(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let (v, comment) = try await commentInContext(context)
        let input = try await request.decode(as: EditInput.self, context: context)
        if let p = Discussion.textProblem(input.text) { throw APIError.invalid(p.field, p.reason) }
        guard comment.account == account else {
            throw APIError(.forbidden, "not_allowed", "only its author edits a comment")
        }
        try requireOpen(v)
        let now = services.now()
        guard Discussion.editable(created: comment.createdAt, now: now) else {
            throw APIError(
                .conflict, "edit_window_passed", "a comment can be edited for 10 minutes after it was written")
        }
        _ = try await services.store.editComment(
            id: comment.id, account: account, text: services.words.mask(input.text), now: now)
        let saved = try await services.store.comment(id: comment.id) ?? comment
        return JSON.response(PlanningViews.Comment(saved, viewer: account))
    }

    /// Its author, or a moderator of the space, removes a comment (and its replies); the author
    /// of a removed comment is told why.
    @Sendable func removeComment(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let (v, comment) = try await commentInContext(context)
        if comment.account != account {
            guard try await services.role(of: account, in: v.proposal.space) >= .moderator else {
                throw APIError(.forbidden, "not_allowed", "only its author or a moderator removes a comment")
            }
            // The optional body `{"reason": …}` (at most 500 characters) is told to the author.
            let body = try? await request.body.collect(upTo: 4096)
            let reason =
                body.flatMap { try? JSONSerialization.jsonObject(with: Data($0.readableBytesView)) as? [String: Any] }?[
                    "reason"] as? String
            guard (reason ?? "").count <= 500 else { throw APIError.invalid("reason", "at most 500 characters") }
            let why = reason.map { ": \(services.words.mask($0))" } ?? "."
            try await services.store.addNotice(
                account: comment.account,
                text: "A moderator removed your comment on the proposal '\(v.proposal.document.title.en)'\(why)",
                now: services.now())
        }
        try await services.store.removeComment(id: comment.id)
        return Response(status: .noContent)
    }

    /// A report on a comment, with the comment as it stands as the evidence, to the space's moderators.
    @Sendable func reportComment(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let (v, comment) = try await commentInContext(context)
        let input = try await request.decode(as: ReportInput.self, context: context)
        try await requireOwn(input.persona, account)
        guard let category = ReportCategory(rawValue: input.category) else {
            throw APIError.invalid(
                "category", ReportCategory.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let note = input.note ?? ""
        guard note.count <= 500 else { throw APIError.invalid("note", "at most 500 characters") }
        let since = services.now().addingTimeInterval(-86_400)
        guard try await services.store.reportCount(by: account, since: since) < services.config.reportsPerDayMax else {
            throw APIError.tooMany("rate_limited", "too many reports today", retryAfterS: 3600)
        }
        let filed = try await services.store.fileReport(
            Report(
                reporterAccount: account, reportedAccount: comment.account, reportedName: comment.author,
                space: v.proposal.space, category: category,
                note: "comment \(comment.id) on proposal \(v.proposal.id): \(note)", createdAt: services.now()))
        services.evidence.keep(
            Evidence(
                space: v.proposal.space, reportedName: comment.author,
                lines: [
                    Evidence.Line(
                        agoS: services.now().timeIntervalSince(comment.createdAt), who: "reported",
                        name: comment.author,
                        scope: "proposal", text: comment.text)
                ]), report: filed.id)
        return JSON.response(["report": filed.id], status: .created)
    }

    // MARK: Helpers

    /// The persona must be the account's (404 otherwise: others' persona ids are not confirmed).
    @discardableResult
    func requireOwn(_ persona: Int64, _ account: Int64) async throws -> Persona {
        guard persona > 0, let found = try await services.store.persona(id: persona), found.accountId == account else {
            throw APIError(.notFound, "unknown_persona", "no persona \(persona) of yours")
        }
        return found.persona
    }

    func requireOpen(_ v: ProposalBook.Version) throws {
        switch v.period.state(at: services.now()) {
        case .open: return
        case .draft: throw APIError(.conflict, "not_open", "the comment period has not opened yet")
        case .closed: throw APIError(.conflict, "not_open", "the comment period has closed")
        }
    }

    /// A sanction in the space (a mute, kick, suspension or ban) also silences comments there.
    func requireUnsanctioned(_ account: Int64, _ space: String) async throws {
        let rules = try await services.rules.load(account: account)
        let now = services.now()
        if rules.barred(from: space, now: now) != nil || rules.isMuted(in: space, now: now) {
            throw APIError(.forbidden, "sanctioned", "a moderator's sanction keeps you from commenting here for now")
        }
    }

    func commentInContext(_ context: BitgoeulRequestContext) async throws -> (ProposalBook.Version, ProposalComment) {
        let space = try self.space(context)
        let v = try latest(context, space: space)
        guard let text = context.parameters.get("comment"), let id = Int64(text),
            let comment = try await services.store.comment(id: id), comment.proposal == v.proposal.id
        else { throw APIError(.notFound, "not_found", "no such comment under this proposal") }
        return (v, comment)
    }
}
