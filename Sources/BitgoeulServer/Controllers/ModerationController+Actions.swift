import Cluster
import Foundation
import HTTPTypes
import Realtime
import Safety
import Storage
import Wire

/// Carrying out a moderator's action: checked, recorded with who, when and why, the report closed,
/// its evidence forgotten, and the people concerned told.
extension ModerationController {
    func act(on report: Report, input: ActionInput, by moderator: Int64) async throws -> ModerationAction {
        let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.unicodeScalars.count <= Self.reasonLengthMax else {
            throw APIError.invalid("reason", "say why in 1 to \(Self.reasonLengthMax) characters; the person is told")
        }
        guard report.status == .open else {
            throw APIError(.conflict, "already_closed", "report \(report.id) is already \(report.status.rawValue)")
        }
        let now = services.now()
        let (space, until) = try await reach(of: input, on: report, by: moderator, now: now)
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
        try await tellTarget(of: action, report: report)
        try await tellReporter(of: action, report: report)
        return action
    }

    /// Where the action applies (the report's space, or every space for suspensions and bans, which
    /// only platform moderators give) and until when.
    func reach(of input: ActionInput, on report: Report, by moderator: Int64, now: Date) async throws
        -> (space: String, until: Date?)
    {
        var until: Date?
        switch input.kind {
        case .warn, .dismiss, .ban:
            break
        case .kick:
            until = now + services.config.kickDurationS
        case .mute, .suspend:
            guard let d = input.durationS, d > 0, d <= Self.durationMaxS else {
                throw APIError.invalid("durationS", "a \(input.kind.rawValue) lasts 1 s to 365 days")
            }
            until = now + d
        }
        guard input.kind == .suspend || input.kind == .ban else { return (report.space, until) }
        guard try await moderatedSpaces(moderator).contains("*") else {
            throw APIError(
                .forbidden, "not_allowed", "suspensions and bans need the moderator role for every space (*)")
        }
        return ("*", until)
    }

    /// Tells the reported person, durably and (if online) at once, and applies the sanction to
    /// their live avatars through the board; a suspension or ban ends their connections.
    func tellTarget(of action: ModerationAction, report: Report) async throws {
        guard let target = report.reportedAccount, action.kind != .dismiss else { return }
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
        try await services.store.addNotice(account: target, text: text, now: services.now())
        // On every node of a cluster: the rules (mute, kick), the notice, and the end of a ban.
        try await services.rules.refresh(target)
        await services.everywhere(.notice(account: target, kind: NoticeKind.moderation.rawValue, text: text))
        if action.kind == .suspend || action.kind == .ban {
            // The account's connections end at once; the notice waits in its persona page.
            let what = action.kind == .ban ? "banned" : "suspended"
            await services.everywhere(
                .end(
                    account: target, code: CloseCode.accountEnded,
                    reason: "a moderator \(what) your account; your notices say why", forGood: false, removal: nil))
        }
    }

    /// Tells the reporter how their report ended, durably and (if online) at once.
    func tellReporter(of action: ModerationAction, report: Report) async throws {
        guard let reporter = report.reporterAccount else { return }
        let text =
            action.kind == .dismiss
            ? "Your report #\(report.id) on \(report.reportedName) was reviewed; no action was taken: \(action.reason)"
            : "Your report #\(report.id) on \(report.reportedName) was reviewed; the moderator chose: \(action.kind.rawValue)"
        try await services.store.addNotice(account: reporter, text: text, now: services.now())
        await services.everywhere(.notice(account: reporter, kind: NoticeKind.reportOutcome.rawValue, text: text))
    }
}
