import Cluster
import Docent
import Foundation
import Hummingbird
import Missions
import NIOCore
import Privacy
import Realtime
import Storage
import WorldModel

/// Missions over HTTP (docs/missions.md): anyone reads them without their answers; a persona plays
/// with fixes on site, checks online (judged from where the tick sees its avatar) and answers; a
/// curator reads and saves the full file.
struct MissionsController {
    let services: Services

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/api/v1/missions", use: list)
            .get("/api/v1/missions/{id}", use: show)
            .get("/api/v1/missions/{id}/source", use: source)
            .put("/api/v1/missions/{id}", use: save)
            .get("/api/v1/missions/{id}/progress", use: progress)
            .post("/api/v1/missions/{id}/fix", use: fix)
            .post("/api/v1/missions/{id}/check", use: check)
            .post("/api/v1/missions/{id}/answer", use: answer)
            .get("/api/v1/personas/{id}/stamps", use: stamps)
            .get("/api/v1/stats/missions", use: statistics)
    }

    struct StatisticsBody: Encodable {
        let mission: String
        let date: String
        let timeZone: String
        let epsilonSpent: Double
        let dailyCap: Double
        /// Nil until the day has ended and its release was made (or when the budget was spent).
        let release: MissionDayRelease?
    }

    /// A day's differentially private completion counts of one mission (`?mission=&date=`).
    @Sendable func statistics(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        guard let id = q.get("mission"), services.missions.mission(id) != nil else {
            throw APIError(.notFound, "not_found", "give ?mission= with the id of a mission")
        }
        let tz = services.missions.timeZone
        let day = q.get("date") ?? MissionHall.day(of: services.now(), timeZone: tz).day
        guard let start = StatsController.dayStart(day, in: tz) else {
            throw APIError.invalid("date", "a day as yyyy-MM-dd")
        }
        let key = MissionStatsPublisher.ledgerKey(id)
        let stored = try await services.store.releases(space: key, from: start, to: start + 1).first
        return JSON.response(
            StatisticsBody(
                mission: id, date: day, timeZone: tz.identifier,
                epsilonSpent: try await services.store.budgetSpent(space: key, day: day),
                dailyCap: services.config.releasePolicy.dailyCap,
                release: stored.flatMap { try? JSONDecoder().decode(MissionDayRelease.self, from: Data($0.json.utf8)) })
        )
    }

    // MARK: Reading

    @Sendable func list(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let space = request.uri.queryParameters.get("space")
        let now = services.now()
        let views: [MissionView] = services.missions.all(space: space).map { view($0, now: now) }
        return JSON.response(["missions": views])
    }

    @Sendable func show(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        JSON.response(view(try mission(context), now: services.now()))
    }

    /// The whole file, answers included, for a curator of one of its spaces.
    @Sendable func source(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let m = try mission(context)
        var allowed = false
        for space in m.spaces where try await isCurator(account, of: space) { allowed = true }
        guard allowed else {
            throw APIError(.forbidden, "not_allowed", "curators and owners of the mission's spaces read its answers")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try MissionRules.encoder().encode(m))))
    }

    /// Saves a mission, checked like a shipped one; the curator must curate every space it uses,
    /// before and after.
    @Sendable func save(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        guard let id = context.parameters.get("id") else { throw APIError(.notFound, "not_found", "no such mission") }
        try requireMediaType(request, "application/json")
        let body = try await request.body.collect(upTo: MissionRules.fileBytesMax)
        let m: Mission
        do {
            m = try MissionRules.decode(
                Data(body.readableBytesView), spaces: Set(services.world.spaces.map(\.id)),
                artworks: Set(services.docent.artworksById.keys))
        } catch let p as MissionProblem {
            throw APIError.invalid(p.field, p.reason)
        }
        guard m.id == id else { throw APIError.invalid("id", "must be '\(id.prefix(40))', the mission in the path") }
        let old = services.missions.mission(id)
        for space in m.spaces.union(old?.spaces ?? []).sorted() where try await !isCurator(account, of: space) {
            throw APIError(.forbidden, "not_allowed", "curators and owners of '\(space)' edit missions there")
        }
        guard old != nil || services.missions.count < MissionRules.missionsMax else {
            throw APIError(.conflict, "limit", "this city has \(MissionRules.missionsMax) missions, the most it keeps")
        }
        let json = String(decoding: try MissionRules.encoder().encode(m), as: UTF8.self)
        try await services.store.saveMission(id: id, json: json, now: services.now())
        services.missions.put(m)
        // The other nodes of a cluster read it from the shared store.
        services.events?.send(.missionSaved(id: id))
        // New to the city (201), or a new version of a shipped or saved mission (200).
        return JSON.response(view(m, now: services.now()), status: old == nil ? .created : .ok)
    }

    @Sendable func stamps(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let persona = try PersonasController.personaId(context)
        try await requireOwn(persona, account)
        let stamps = try await services.store.stamps(persona: persona)
        return JSON.response(
            StampsBody(stamps: stamps, rewards: services.missions.rewards(earnedBy: Self.byMission(stamps)).sorted()))
    }

    @Sendable func progress(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let m = try mission(context)
        guard let text = request.uri.queryParameters.get("persona"), let persona = Int64(text) else {
            throw APIError.invalid("persona", "the persona's id, as ?persona=")
        }
        try await requireOwn(persona, account)
        let player = MissionDesk.Player(account: account, persona: persona)
        return JSON.response(try await progress(m, player, stamps: try await stamps(persona, m), verdict: nil))
    }

    // MARK: Playing

    struct FixBody: Decodable {
        let persona: Int64
        let latitude: Double
        let longitude: Double
        let accuracyM: Double
        let timeS: Double
        let checkpoint: String?
        let keepDate: Bool?
    }

    struct CheckBody: Decodable {
        let persona: Int64
        let checkpoint: String?
        let keepDate: Bool?
    }

    struct AnswerBody: Decodable {
        let persona: Int64
        let checkpoint: String
        let answer: String?
        let choice: Int?
        let keepDate: Bool?
    }

    /// One fix from a phone on site.
    @Sendable func fix(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let m = try mission(context)
        let body = try await request.decode(as: FixBody.self, context: context)
        try await requireOwn(body.persona, account)
        let fix = Fix(latitude: body.latitude, longitude: body.longitude, accuracyM: body.accuracyM, timeS: body.timeS)
        return try await play(
            m, MissionDesk.Player(account: account, persona: body.persona), .onSite(fix), wanted: body.checkpoint,
            keepDate: body.keepDate ?? false)
    }

    /// An online player's check, at the position the space's tick holds for the persona's avatar.
    @Sendable func check(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let m = try mission(context)
        let body = try await request.decode(as: CheckBody.self, context: context)
        try await requireOwn(body.persona, account)
        guard let link = services.engine.safety.entity(persona: body.persona)?.link, !link.isClosed else {
            throw APIError(
                .conflict, "not_in_world", "the persona is in no space of this server; enter one to play online")
        }
        // A spot from before a teleport is not where the avatar is now.
        let seen = link.lastSeen.flatMap { $0.space == link.currentSpace ? $0 : nil }
        let spot = seen.map { MissionDesk.MirrorSpot(space: $0.space, x: Double($0.x), y: Double($0.y)) }
        return try await play(
            m, MissionDesk.Player(account: account, persona: body.persona), .online(spot), wanted: body.checkpoint,
            keepDate: body.keepDate ?? false)
    }

    /// Where a play request is judged from.
    enum Whereabouts {
        /// A phone's fix.
        case onSite(Fix)
        /// Where the tick sees the avatar (nil: not yet seen in its current space).
        case online(MissionDesk.MirrorSpot?)
    }

    /// Judges a fix or a check: nothing while the mission (or its next checkpoint) is closed; the
    /// stamp stored when earned; too many requests refused with 429.
    func play(_ m: Mission, _ player: MissionDesk.Player, _ whereabouts: Whereabouts, wanted: String?, keepDate: Bool)
        async throws -> Response
    {
        var stamps = try await stamps(player.persona, m)
        let now = services.now()
        let next = services.missions.withDesk { $0.next(player, in: m, stamps: stamps, wanted: wanted) }
        guard let next, m.availability(at: now, checkpoint: next) == .open else {
            return JSON.response(try await progress(m, player, stamps: stamps, verdict: nil))
        }
        let blocked = try await blockedIfMeeting(m, player.account)
        let zone = services.missions.timeZone
        let verdict: MissionDesk.Verdict?
        do {
            verdict = try services.missions.withDesk { (desk: inout MissionDesk) throws(MissionDesk.Full) in
                switch whereabouts {
                case .onSite(let fix):
                    try desk.receive(
                        fix, from: player, mission: m, stamps: stamps, wanted: wanted, now: now, timeZone: zone,
                        blocked: blocked)
                case .online(let spot):
                    try desk.check(
                        spot, of: player, mission: m, stamps: stamps, wanted: wanted, now: now, timeZone: zone,
                        blocked: blocked)
                }
            }
        } catch {
            throw APIError.busy
        }
        if verdict?.reason == Refusal.tooMany.rawValue {
            throw APIError.tooMany("too_many", Refusal.tooMany.message, retryAfterS: 1)
        }
        try await keep(verdict, m, player, &stamps, keepDate: keepDate)
        return JSON.response(try await progress(m, player, stamps: stamps, verdict: verdict))
    }

    @Sendable func answer(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let m = try mission(context)
        let body = try await request.decode(as: AnswerBody.self, context: context)
        try await requireOwn(body.persona, account)
        guard let checkpoint = m.checkpoint(body.checkpoint) else {
            throw APIError.invalid("checkpoint", "no checkpoint '\(body.checkpoint.prefix(40))' in this mission")
        }
        if let text = body.answer, text.count > Answers.lengthMax {
            throw APIError.invalid("answer", "at most \(Answers.lengthMax) characters")
        }
        let player = MissionDesk.Player(account: account, persona: body.persona)
        var stamps = try await stamps(body.persona, m)
        var accepted: [String] = []
        if case .artwork(let id) = checkpoint.task, let work = services.docent.artworksById[id] {
            accepted = [work.title]
        }
        let now = services.now()
        let result = services.missions.withDesk {
            $0.answer(
                body.answer, choice: body.choice, from: player, mission: m, checkpoint: checkpoint, accepted: accepted,
                now: now)
        }
        var verdict = MissionDesk.Verdict(checkpoint.id, .arrived)
        switch result {
        case .right:
            verdict.state = .stamped
        case .wrong:
            verdict.reason = "wrong_answer"
            verdict.message = "not the answer; look again"
            verdict.waiting = .answer
        case .notThere:
            throw APIError(.conflict, "not_there", "answer at the checkpoint: arrive there first")
        case .tooMany:
            throw APIError.tooMany("too_many", "too many wrong answers; wait a minute", retryAfterS: 60)
        }
        try await keep(verdict, m, player, &stamps, keepDate: body.keepDate ?? false)
        return JSON.response(try await progress(m, player, stamps: stamps, verdict: verdict))
    }

    // MARK: Helpers

    func mission(_ context: BitgoeulRequestContext) throws -> Mission {
        guard let id = context.parameters.get("id"), let m = services.missions.mission(id) else {
            throw APIError(.notFound, "not_found", "no such mission")
        }
        return m
    }

    func isCurator(_ account: Int64, of space: String) async throws -> Bool {
        let role = try await services.role(of: account, in: space)
        return role == .curator || role == .owner
    }

    /// The persona must be the account's (404 otherwise: others' persona ids are not confirmed).
    func requireOwn(_ persona: Int64, _ account: Int64) async throws {
        guard persona > 0, let found = try await services.store.persona(id: persona), found.accountId == account else {
            throw APIError(.notFound, "not_found", "no such persona on this account")
        }
    }

    func stamps(_ persona: Int64, _ m: Mission) async throws -> Set<String> {
        Set(try await services.store.stamps(persona: persona).filter { $0.mission == m.id }.map(\.checkpoint))
    }

    /// Accounts blocked either way, for a "meet here" count (read only when the mission has one).
    func blockedIfMeeting(_ m: Mission, _ account: Int64) async throws -> Set<Int64> {
        guard m.checkpoints.contains(where: { if case .meet = $0.task { true } else { false } }) else { return [] }
        return try await services.store.blockedEitherWay(account: account)
    }

    /// Stores a stamp just earned (the day only when asked), and counts it for the day's release.
    func keep(
        _ verdict: MissionDesk.Verdict?, _ m: Mission, _ player: MissionDesk.Player, _ stamps: inout Set<String>,
        keepDate: Bool
    ) async throws {
        guard let verdict, verdict.state == .stamped else { return }
        let now = services.now()
        let day = keepDate ? MissionHall.day(of: now, timeZone: services.missions.timeZone).day : nil
        let stamp = EarnedStamp(mission: m.id, checkpoint: verdict.checkpoint, day: day)
        if try await services.store.earnStamp(persona: player.persona, stamp) {
            services.missions.earned(account: player.account, mission: m.id, checkpoint: verdict.checkpoint, now: now)
        }
        stamps.insert(verdict.checkpoint)
    }

    static func byMission(_ stamps: [EarnedStamp]) -> [String: Set<String>] {
        Dictionary(grouping: stamps, by: \.mission).mapValues { Set($0.map(\.checkpoint)) }
    }

    func progress(_ m: Mission, _ player: MissionDesk.Player, stamps: Set<String>, verdict: MissionDesk.Verdict?)
        async throws -> ProgressView
    {
        let now = services.now()
        let next = services.missions.withDesk { $0.next(player, in: m, stamps: stamps) }
        let state = m.availability(at: now, checkpoint: next)
        var opensAt: Date?
        if case .notYet(let opens) = state { opensAt = opens }
        let complete = m.checkpoints.allSatisfy { stamps.contains($0.id) }
        return ProgressView(
            mission: m.id, open: state == .open, closed: state.closedCode, opensAt: opensAt,
            stamps: m.checkpoints.map(\.id).filter { stamps.contains($0) }, complete: complete,
            reward: m.reward?.accessory, rewardEarned: complete && m.reward != nil,
            next: verdict?.state == .stamped ? next?.id : (verdict?.checkpoint ?? next?.id),
            verdict: verdict.map { VerdictView($0, checkpoint: m.checkpoint($0.checkpoint), services: services) })
    }

    func view(_ m: Mission, now: Date) -> MissionView {
        let state = m.availability(at: now)
        var opensAt: Date?
        if case .notYet(let opens) = state { opensAt = opens }
        return MissionView(
            id: m.id, title: m.title, story: m.story, window: m.window, order: m.order.rawValue,
            daylightOnly: m.isDaylightOnly, reward: m.reward?.accessory,
            checkpoints: m.checkpoints.map { CheckpointView($0, services: services) }, open: state == .open,
            closed: state.closedCode, opensAt: opensAt)
    }
}
