import Foundation
import Hummingbird
import Privacy
import Realtime
import Safety
import Storage

/// The moderator queue (`/api/v1/moderation/...`): reports with their evidence, and actions —
/// warn, mute in a space, kick (no rejoin for an hour), suspend, ban, dismiss. Each action is
/// stored with who, when and why, and the person concerned is told (`ModerationController+Actions`).
struct ModerationController {
    let services: Services

    /// A moderation action as shown to moderators and to the person concerned.
    struct ActionView: Encodable {
        let id: Int64
        let kind: ModerationAction.Kind
        let moderator: Int64
        let targetName: String
        let space: String
        let reportId: Int64?
        let reason: String
        let at: Date
        let until: Date?

        init(_ a: ModerationAction) {
            id = a.id
            kind = a.kind
            moderator = a.moderatorAccount
            targetName = a.targetName
            space = a.space
            reportId = a.reportId
            reason = a.reason
            at = a.createdAt
            until = a.until
        }
    }

    struct ReportView: Encodable {
        let id: Int64
        let reportedName: String
        let reportedIsGuest: Bool
        let space: String
        let category: ReportCategory
        let note: String
        let createdAt: Date
        let status: Report.Status
        let outcome: String?
        /// Only when one report is opened (and the look is logged); nil once the report is closed or
        /// after a restart: evidence lives in memory only.
        let evidence: Evidence?
        /// Whether opening the report would show evidence.
        let hasEvidence: Bool

        init(_ r: Report, evidence: Evidence?, hasEvidence: Bool) {
            id = r.id
            reportedName = r.reportedName
            reportedIsGuest = r.reportedAccount == nil
            space = r.space
            category = r.category
            note = r.note
            createdAt = r.createdAt
            status = r.status
            outcome = r.outcome
            self.evidence = evidence
            self.hasEvidence = hasEvidence
        }
    }

    struct ActionInput: Decodable {
        let reportId: Int64
        let kind: ModerationAction.Kind
        let reason: String
        /// For mute and suspend: how long, in seconds (a kick is always one hour).
        let durationS: Double?
    }

    struct RoleInput: Decodable {
        let personaId: Int64
        let space: String
        let role: SpaceRole
    }

    static let reasonLengthMax = 500
    static let durationMaxS: Double = 365 * 24 * 3600
    /// Reports and actions listed at once.
    static let listMax = 200

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/api/v1/moderation/reports", use: listReports)
            .get("/api/v1/moderation/reports/{id}", use: openReport)
            .post("/api/v1/moderation/actions", use: act)
            .get("/api/v1/moderation/actions", use: listActions)
            .put("/api/v1/moderation/roles", use: giveRole)
    }

    @Sendable func listReports(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let spaces = try await moderatedSpaces(account)
        guard !spaces.isEmpty else { throw Self.notModerator }
        let statusText = request.uri.queryParameters.get("status") ?? "open"
        guard let status = Report.Status(rawValue: statusText) else {
            throw APIError.invalid("status", "open, resolved or dismissed")
        }
        let reports = try await services.store.reports(spaces: spaces, status: status, limit: Self.listMax)
        // The queue shows no evidence: each look at it is opened one report at a time, and logged.
        return JSON.response([
            "reports": reports.map {
                ReportView($0, evidence: nil, hasEvidence: services.evidence.evidence(report: $0.id) != nil)
            }
        ])
    }

    /// One report with its evidence; the look is logged for both people in it.
    @Sendable func openReport(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let report = try await moderatableReport(account, try SafetyController.pathId(context))
        let evidence = services.evidence.evidence(report: report.id)
        if evidence != nil {
            // Both people in the evidence are told, through the transparency log.
            let role = try await services.role(of: account, in: report.space)
            for subject in Set([report.reportedAccount, report.reporterAccount].compactMap { $0 }) {
                try await services.accessLog.record(
                    .evidenceOpened, subject: subject, actor: account, role: role.rawValue, space: report.space,
                    reportId: report.id, purpose: "report #\(report.id): \(report.category.rawValue)",
                    now: services.now())
            }
        }
        return JSON.response(ReportView(report, evidence: evidence, hasEvidence: evidence != nil))
    }

    @Sendable func act(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let input = try await request.decode(as: ActionInput.self, context: context)
        let report = try await moderatableReport(account, input.reportId)
        let action = try await act(on: report, input: input, by: account)
        if let target = report.reportedAccount {
            let role = try await services.role(of: account, in: report.space)
            try await services.accessLog.record(
                .moderationAction, subject: target, actor: account, role: role.rawValue, space: action.space,
                reportId: report.id, purpose: "report #\(report.id): \(action.kind.rawValue)", now: services.now())
        }
        return JSON.response(ActionView(action), status: .created)
    }

    @Sendable func listActions(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        guard try await !moderatedSpaces(account).isEmpty else { throw Self.notModerator }
        let actions = try await services.store.actions(by: account, limit: Self.listMax)
        return JSON.response(["actions": actions.map(ActionView.init)])
    }

    /// Owners of a space (or of every space, `*`) give roles there to the account behind a persona.
    @Sendable func giveRole(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let input = try await request.decode(as: RoleInput.self, context: context)
        guard try await services.role(of: account, in: input.space) == .owner else {
            throw APIError(.forbidden, "not_allowed", "only an owner of '\(input.space)' gives roles there")
        }
        guard input.space == "*" || services.engine.directory[input.space] != nil else {
            throw APIError.invalid("space", "no space '\(input.space)'")
        }
        guard let persona = try await services.store.persona(id: input.personaId) else {
            throw APIError(.notFound, "not_found", "no persona \(input.personaId)")
        }
        try await services.store.setRole(account: persona.accountId, space: input.space, role: input.role)
        // The role counts at once wherever the person is connected (crowd alerts, tours).
        try? await services.rules.refresh(persona.accountId)
        return Response(status: .noContent)
    }

    static let notModerator = APIError(
        .forbidden, "not_allowed", "the moderator queue is for moderators and owners of a space")

    /// Spaces the account moderates (`*` for all).
    func moderatedSpaces(_ account: Int64) async throws -> Set<String> {
        let roles = try await services.store.roles(account: account)
        return Set(roles.filter { $0.value >= .moderator }.keys)
    }

    func moderatableReport(_ account: Int64, _ id: Int64) async throws -> Report {
        guard let report = try await services.store.report(id: id) else {
            throw APIError(.notFound, "not_found", "no report \(id)")
        }
        let spaces = try await moderatedSpaces(account)
        guard spaces.contains("*") || spaces.contains(report.space) else {
            throw APIError(.forbidden, "not_allowed", "you do not moderate '\(report.space)'")
        }
        return report
    }
}
