import Foundation
import Hummingbird
import Privacy
import Realtime
import Storage
import Wire

/// The moderator queue (`/api/v1/moderation/...`): reports with their evidence, and actions —
/// warn, mute in a space, kick (no rejoin for an hour), suspend, ban, dismiss. Each action is
/// stored with who, when and why, and the person concerned is told.
enum ModerationRoutes {
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

    static func add(to router: Router<BitgoeulRequestContext>, services: Services) {
        router.get("/api/v1/moderation/reports") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            let spaces = try await moderatedSpaces(account, services)
            guard !spaces.isEmpty else { throw notModerator }
            let statusText = request.uri.queryParameters.get("status") ?? "open"
            guard let status = Report.Status(rawValue: statusText) else {
                throw APIError.invalid("status", "open, resolved or dismissed")
            }
            let reports = try await services.store.reports(spaces: spaces, status: status, limit: 200)
            // The queue shows no evidence: each look at it is opened one report at a time, and logged.
            return JSON.response([
                "reports": reports.map {
                    ReportView($0, evidence: nil, hasEvidence: services.evidence.evidence(report: $0.id) != nil)
                }
            ])
        }

        router.get("/api/v1/moderation/reports/{id}") { request, context -> Response in
            let account = try await services.requireAccount(request)
            let report = try await moderatableReport(account, try SafetyRoutes.pathId(context), services)
            let evidence = services.evidence.evidence(report: report.id)
            if evidence != nil {
                // Both people in the evidence are told, through the transparency log.
                let role = try await services.role(of: account, in: report.space)
                for subject in Set([report.reportedAccount, report.reporterAccount].compactMap { $0 }) {
                    try await services.accessLog.record(
                        .evidenceOpened, subject: subject, actor: account, role: role.rawValue, space: report.space,
                        reportId: report.id, purpose: "report #\(report.id): \(report.category.rawValue)")
                }
            }
            return JSON.response(ReportView(report, evidence: evidence, hasEvidence: evidence != nil))
        }

        router.post("/api/v1/moderation/actions") { request, context -> Response in
            let account = try await services.requireAccount(request)
            let input = try await request.decode(as: ActionInput.self, context: context)
            let report = try await moderatableReport(account, input.reportId, services)
            let action = try await act(on: report, input: input, by: account, services: services)
            if let target = report.reportedAccount {
                let role = try await services.role(of: account, in: report.space)
                try await services.accessLog.record(
                    .moderationAction, subject: target, actor: account, role: role.rawValue, space: action.space,
                    reportId: report.id, purpose: "report #\(report.id): \(action.kind.rawValue)")
            }
            return JSON.response(ActionView(action), status: .created)
        }

        router.get("/api/v1/moderation/actions") { request, _ -> Response in
            let account = try await services.requireAccount(request)
            guard try await !moderatedSpaces(account, services).isEmpty else { throw notModerator }
            let actions = try await services.store.actions(by: account, limit: 200)
            return JSON.response(["actions": actions.map(ActionView.init)])
        }

        router.put("/api/v1/moderation/roles") { request, context -> Response in
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
            return Response(status: .noContent)
        }
    }

    static let notModerator = APIError(
        .forbidden, "not_allowed", "the moderator queue is for moderators and owners of a space")

    /// Spaces the account moderates (`*` for all).
    static func moderatedSpaces(_ account: Int64, _ services: Services) async throws -> Set<String> {
        let roles = try await services.store.roles(account: account)
        return Set(roles.filter { $0.value >= .moderator }.keys)
    }

    static func moderatableReport(_ account: Int64, _ id: Int64, _ services: Services) async throws -> Report {
        guard let report = try await services.store.report(id: id) else {
            throw APIError(.notFound, "not_found", "no report \(id)")
        }
        let spaces = try await moderatedSpaces(account, services)
        guard spaces.contains("*") || spaces.contains(report.space) else {
            throw APIError(.forbidden, "not_allowed", "you do not moderate '\(report.space)'")
        }
        return report
    }

    static func act(on report: Report, input: ActionInput, by moderator: Int64, services: Services) async throws
        -> ModerationAction
    {
        let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.unicodeScalars.count <= reasonLengthMax else {
            throw APIError.invalid("reason", "say why in 1 to \(reasonLengthMax) characters; the person is told")
        }
        guard report.status == .open else {
            throw APIError(.conflict, "already_closed", "report \(report.id) is already \(report.status.rawValue)")
        }
        let now = Date()
        var space = report.space
        var until: Date?
        switch input.kind {
        case .warn, .dismiss:
            break
        case .kick:
            until = now + services.config.kickDurationS
        case .mute, .suspend:
            guard let d = input.durationS, d > 0, d <= durationMaxS else {
                throw APIError.invalid("durationS", "a \(input.kind.rawValue) lasts 1 s to 365 days")
            }
            until = now + d
        case .ban:
            break
        }
        if input.kind == .suspend || input.kind == .ban {
            // Account-wide: platform moderators only.
            guard try await moderatedSpaces(moderator, services).contains("*") else {
                throw APIError(
                    .forbidden, "not_allowed", "suspensions and bans need the moderator role for every space (*)")
            }
            space = "*"
        }
        guard input.kind == .dismiss || input.kind == .warn || report.reportedAccount != nil else {
            throw APIError(
                .conflict, "guest_target", "the reported persona was a guest: only warn or dismiss apply after the fact"
            )
        }
        let action = try await services.store.recordAction(
            ModerationAction(
                kind: input.kind, moderatorAccount: moderator, targetAccount: report.reportedAccount,
                targetName: report.reportedName, space: space, reportId: report.id, reason: reason, createdAt: now,
                until: until))
        let outcome = input.kind == .dismiss ? "no action: \(reason)" : "\(input.kind.rawValue): \(reason)"
        try await services.store.closeReport(
            id: report.id, status: input.kind == .dismiss ? .dismissed : .resolved, outcome: outcome, now: now)
        services.evidence.forget(report: report.id)
        try await tell(action: action, report: report, services: services)
        return action
    }

    /// Tells the reported person and the reporter, durably and (if online) at once; applies
    /// sanctions to live avatars through the board.
    static func tell(action: ModerationAction, report: Report, services: Services) async throws {
        let board = services.engine.safety
        let now = Date()
        if let target = report.reportedAccount, action.kind != .dismiss {
            let until = action.until.map { " until \($0) (UTC)" } ?? ""
            let text =
                switch action.kind {
                case .warn: "A moderator warned you (\(report.space)): \(action.reason)"
                case .mute: "A moderator muted you in \(report.space)\(until): \(action.reason)"
                case .kick: "A moderator removed you from \(report.space)\(until): \(action.reason)"
                case .suspend: "A moderator suspended your account\(until): \(action.reason)"
                case .ban: "A moderator banned your account: \(action.reason)"
                case .dismiss: ""
                }
            try await services.store.addNotice(account: target, text: text, now: now)
            try await services.rules.refresh(target)
            for live in board.entities(of: target) {
                live.link.post(system: .notice(kind: .moderation, entityId: 0, text: text))
            }
            if action.kind == .suspend || action.kind == .ban {
                // The account's connections end at once; the notice waits in its persona page.
                let what = action.kind == .ban ? "banned" : "suspended"
                services.connections.end(
                    account: target, code: CloseCode.accountEnded,
                    reason: "a moderator \(what) your account; your notices say why")
            }
        }
        if let reporter = report.reporterAccount {
            let text =
                action.kind == .dismiss
                ? "Your report #\(report.id) on \(report.reportedName) was reviewed; no action was taken: \(action.reason)"
                : "Your report #\(report.id) on \(report.reportedName) was reviewed; the moderator chose: \(action.kind.rawValue)"
            try await services.store.addNotice(account: reporter, text: text, now: now)
            for live in board.entities(of: reporter) {
                live.link.post(system: .notice(kind: .reportOutcome, entityId: 0, text: text))
            }
        }
    }
}
