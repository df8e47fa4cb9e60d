import Foundation
import Geo

/// Plays of missions in progress, as a synchronous state machine: a fix, an online position or an
/// answer in, a verdict out, and the stamp to store when one is earned. The caller stores stamps;
/// the desk holds only what judging needs right now, in memory: per player and mission the
/// checkpoint being judged, its `ArrivalJudge` (the last fix) and whether the player has arrived,
/// and per "meet here" checkpoint which accounts were inside in the last seconds. Idle plays are
/// forgotten after `idleS`.
public struct MissionDesk: Sendable {
    /// Who plays: the account (a "meet here" counts accounts) and the persona (stamps are the persona's).
    public struct Player: Hashable, Sendable {
        public var account: Int64
        public var persona: Int64

        public init(account: Int64, persona: Int64) {
            self.account = account
            self.persona = persona
        }
    }

    /// Where the server sees an online player: the space and the avatar's ENU position, from the tick.
    public struct MirrorSpot: Hashable, Sendable {
        public var space: String
        public var x: Double
        public var y: Double

        public init(space: String, x: Double, y: Double) {
            self.space = space
            self.x = x
            self.y = y
        }
    }

    /// The task waiting at a checkpoint the player has reached.
    public enum Waiting: Hashable, Sendable {
        case answer
        case meet(here: Int, needed: Int)
        case scheduled(opens: Date, closes: Date)
    }

    public struct Verdict: Hashable, Sendable {
        public enum State: String, Sendable {
            case onTheWay, inside, arrived, stamped, refused
        }

        public var checkpoint: String
        public var state: State
        /// Why a fix was refused (`refused`), or `wrong_answer` (`arrived`).
        public var reason: String?
        public var message: String?
        /// On the way: how far and which way (from north on site; from the space's +y axis online).
        /// Nil online while the player is in another space.
        public var distanceM: Double?
        public var bearingDeg: Double?
        /// Inside (on site): the dwell still needed.
        public var leftS: Double?
        public var waiting: Waiting?

        public init(_ checkpoint: String, _ state: State) {
            self.checkpoint = checkpoint
            self.state = state
        }
    }

    /// What answering gives.
    public enum AnswerResult: Hashable, Sendable {
        case right
        case wrong
        /// The player has not (or no longer) arrived at this checkpoint.
        case notThere
        /// More than `wrongPerMinuteMax` wrong answers in a minute.
        case tooMany
    }

    /// The desk holds `playsMax` plays; a new one past that (after forgetting idle ones) is refused.
    public struct Full: Error, Hashable, Sendable {}

    struct Key: Hashable {
        var persona: Int64
        var mission: String
    }

    struct Play {
        var checkpoint: String
        var judge: ArrivalJudge?
        var arrived = false
        var arrivedS = 0.0
        var seenS: Double
        var wrongSinceS = 0.0
        var wrong = 0
        /// Online checks allowed now (refilled at the fix rate), and when last refilled.
        var checkTokens = -1.0
        var checkTokensAtS = 0.0

        /// Takes one online check from the play's budget (the same rate as on-site fixes).
        mutating func takeCheck(nowS: Double, rules: ArrivalRules) -> Bool {
            if checkTokens < 0 { checkTokens = rules.fixesBurst }
            checkTokens = min(rules.fixesBurst, checkTokens + max(0, nowS - checkTokensAtS) * rules.fixesPerS)
            checkTokensAtS = nowS
            guard checkTokens >= 1 else { return false }
            checkTokens -= 1
            return true
        }
    }

    struct Meeting: Hashable {
        var mission: String
        var checkpoint: String
    }

    public let rules: ArrivalRules
    public let playsMax: Int
    /// A play with no request for this long is forgotten.
    public let idleS: Double
    /// An arrival stays valid for answering this long.
    public let answerWindowS = 600.0
    /// A player counts as inside a "meet here" checkpoint this long after the last fix or check inside.
    public let meetFreshS = 15.0
    public let wrongPerMinuteMax = 5
    private var plays: [Key: Play] = [:]
    private var meetings: [Meeting: [Int64: Double]] = [:]
    private var sweptS = 0.0

    public init(rules: ArrivalRules = ArrivalRules(), playsMax: Int = 50_000, idleS: Double = 600) {
        self.rules = rules
        self.playsMax = playsMax
        self.idleS = idleS
    }

    /// Plays held now.
    public var playCount: Int { plays.count }

    /// The checkpoint the player plays next: the first without a stamp in an ordered mission; in a
    /// free one `wanted` if it has none, else the one being played, else the first without a stamp.
    public func next(_ player: Player, in mission: Mission, stamps: Set<String>, wanted: String? = nil) -> Checkpoint? {
        let open = mission.checkpoints.filter { !stamps.contains($0.id) }
        if mission.order == .ordered { return open.first }
        if let wanted, let c = open.first(where: { $0.id == wanted }) { return c }
        let playing = plays[Key(persona: player.persona, mission: mission.id)]?.checkpoint
        return open.first { $0.id == playing } ?? open.first
    }

    /// One fix from the phone of `player` on site, received at `now`.
    public mutating func receive(
        _ fix: Fix, from player: Player, mission: Mission, stamps: Set<String>, wanted: String? = nil, now: Date,
        timeZone: TimeZone, blocked: Set<Int64> = []
    ) throws(Full) -> Verdict? {
        let nowS = now.timeIntervalSince1970
        var target = next(player, in: mission, stamps: stamps, wanted: wanted)
        if choosesNearest(player, mission, stamps: stamps, wanted: wanted) {
            target = nearest(to: fix, among: mission.checkpoints.filter { !stamps.contains($0.id) }) ?? target
        }
        guard let checkpoint = target else { return nil }
        var play = try take(player, mission, checkpoint, nowS: nowS)
        if play.judge == nil {
            play.judge = ArrivalJudge(
                latitude: checkpoint.place.latitude, longitude: checkpoint.place.longitude,
                radiusM: checkpoint.place.radiusM, rules: rules)
        }
        let judged = play.judge!.receive(fix, nowS: nowS)
        var verdict: Verdict
        switch judged {
        case .refused(let reason):
            verdict = Verdict(checkpoint.id, .refused)
            verdict.reason = reason.rawValue
            verdict.message = reason.message
        case .onTheWay(let distance, let bearing):
            verdict = Verdict(checkpoint.id, .onTheWay)
            verdict.distanceM = distance
            verdict.bearingDeg = bearing
        case .inside(let left):
            verdict = Verdict(checkpoint.id, .inside)
            verdict.leftS = left
        case .arrived:
            verdict = arrive(
                &play, player, mission, checkpoint, nowS: nowS, now: now, timeZone: timeZone, blocked: blocked)
        }
        settle(play, player, mission, checkpoint, verdict)
        return verdict
    }

    /// A check of an online player at the position the space's tick holds (nil: in no space).
    public mutating func check(
        _ spot: MirrorSpot?, of player: Player, mission: Mission, stamps: Set<String>, wanted: String? = nil,
        now: Date, timeZone: TimeZone, blocked: Set<Int64> = []
    ) throws(Full) -> Verdict? {
        let nowS = now.timeIntervalSince1970
        var target = next(player, in: mission, stamps: stamps, wanted: wanted)
        if let spot, choosesNearest(player, mission, stamps: stamps, wanted: wanted) {
            target = nearest(to: spot, among: mission.checkpoints.filter { !stamps.contains($0.id) }) ?? target
        }
        guard let checkpoint = target else { return nil }
        var play = try take(player, mission, checkpoint, nowS: nowS)
        guard play.takeCheck(nowS: nowS, rules: rules) else {
            var refused = Verdict(checkpoint.id, .refused)
            refused.reason = Refusal.tooMany.rawValue
            refused.message = Refusal.tooMany.message
            plays[Key(persona: player.persona, mission: mission.id)] = play
            return refused
        }
        var verdict = Verdict(checkpoint.id, .onTheWay)
        if let spot, spot.space == checkpoint.mirror.space {
            let dx = checkpoint.mirror.x - spot.x
            let dy = checkpoint.mirror.y - spot.y
            let distance = (dx * dx + dy * dy).squareRoot()
            if distance <= checkpoint.mirror.radiusM {
                verdict = arrive(
                    &play, player, mission, checkpoint, nowS: nowS, now: now, timeZone: timeZone, blocked: blocked)
            } else {
                verdict.distanceM = distance
                let bearing = atan2(dx, dy) * 180 / .pi
                verdict.bearingDeg = bearing < 0 ? bearing + 360 : bearing
            }
        }
        settle(play, player, mission, checkpoint, verdict)
        return verdict
    }

    /// An answer to the task at `checkpoint`; `accepted` are the right free answers (for an
    /// artwork, its title), unused for a choice.
    public mutating func answer(
        _ text: String?, choice: Int?, from player: Player, mission: Mission, checkpoint: Checkpoint,
        accepted: [String], now: Date
    ) -> AnswerResult {
        let nowS = now.timeIntervalSince1970
        let key = Key(persona: player.persona, mission: mission.id)
        guard var play = plays[key], play.checkpoint == checkpoint.id, play.arrived,
            nowS - play.arrivedS <= answerWindowS
        else { return .notThere }
        play.seenS = nowS
        if nowS - play.wrongSinceS > 60 {
            play.wrongSinceS = nowS
            play.wrong = 0
        }
        guard play.wrong < wrongPerMinuteMax else {
            plays[key] = play
            return .tooMany
        }
        let right: Bool
        switch checkpoint.task {
        case .choice(_, _, let answer): right = choice == answer
        case .question(_, let answers): right = text.map { Answers.matches($0, answers) } ?? false
        case .artwork: right = text.map { Answers.matches($0, accepted) } ?? false
        case .reach, .meet, .scheduled: right = false
        }
        if right {
            play.arrived = false
        } else {
            play.wrong += 1
        }
        plays[key] = play
        return right ? .right : .wrong
    }

    /// Forgets the plays of these personas, with their last fixes (a deleted persona, an erased
    /// account), and the account's "meet here" presence.
    public mutating func forget(personas: Set<Int64>, account: Int64) {
        plays = plays.filter { !personas.contains($0.key.persona) }
        meetings = meetings.mapValues { $0.filter { $0.key != account } }
    }

    // MARK: Inside

    /// The player's play of `checkpoint`: the one held, or a new one (carrying the last fix so a
    /// jump from the previous checkpoint is judged).
    private mutating func take(_ player: Player, _ mission: Mission, _ checkpoint: Checkpoint, nowS: Double)
        throws(Full) -> Play
    {
        let key = Key(persona: player.persona, mission: mission.id)
        if var play = plays[key] {
            if play.checkpoint != checkpoint.id {
                let last = play.judge?.lastFix
                play = Play(checkpoint: checkpoint.id, seenS: nowS)
                play.judge = last.map {
                    ArrivalJudge(
                        latitude: checkpoint.place.latitude, longitude: checkpoint.place.longitude,
                        radiusM: checkpoint.place.radiusM, rules: rules, after: $0)
                }
            }
            play.seenS = nowS
            return play
        }
        if plays.count >= playsMax { sweep(nowS: nowS, force: true) }
        guard plays.count < playsMax else { throw Full() }
        sweep(nowS: nowS, force: false)
        return Play(checkpoint: checkpoint.id, seenS: nowS)
    }

    /// Keeps the play; a player who left a "meet here" checkpoint no longer counts there.
    private mutating func settle(
        _ play: Play, _ player: Player, _ mission: Mission, _ checkpoint: Checkpoint, _ verdict: Verdict
    ) {
        plays[Key(persona: player.persona, mission: mission.id)] = play
        if case .meet = checkpoint.task, verdict.state == .onTheWay {
            let meeting = Meeting(mission: mission.id, checkpoint: checkpoint.id)
            meetings[meeting]?[player.account] = nil
        }
    }

    /// The player is at `checkpoint`: the task decides whether the stamp is earned now.
    private mutating func arrive(
        _ play: inout Play, _ player: Player, _ mission: Mission, _ checkpoint: Checkpoint, nowS: Double, now: Date,
        timeZone: TimeZone, blocked: Set<Int64>
    ) -> Verdict {
        var verdict = Verdict(checkpoint.id, .arrived)
        if !play.arrived {
            play.arrived = true
            play.arrivedS = nowS
        }
        switch checkpoint.task {
        case .reach:
            verdict.state = .stamped
        case .question, .choice, .artwork:
            verdict.waiting = .answer
        case .meet(let needed):
            let meeting = Meeting(mission: mission.id, checkpoint: checkpoint.id)
            var present = meetings[meeting, default: [:]].filter { nowS - $0.value <= meetFreshS }
            present[player.account] = nowS
            meetings[meeting] = present
            let here = present.keys.filter { $0 == player.account || !blocked.contains($0) }.count
            if here >= needed {
                verdict.state = .stamped
            } else {
                verdict.waiting = .meet(here: here, needed: needed)
            }
        case .scheduled(let at, let minutes):
            let slot = Schedule.occurrence(at: at, minutes: minutes, now: now, timeZone: timeZone)
            if slot.isOpen {
                verdict.state = .stamped
            } else {
                verdict.waiting = .scheduled(opens: slot.opens, closes: slot.closes)
            }
        }
        if verdict.state == .stamped {
            play.arrived = false
            // The next checkpoint's judge starts from this fix (set up in `take`).
        }
        return verdict
    }

    /// A free mission without a wanted checkpoint plays the nearest one without a stamp, chosen when
    /// the play starts and again after each stamp.
    private func choosesNearest(_ player: Player, _ mission: Mission, stamps: Set<String>, wanted: String?) -> Bool {
        guard mission.order == .free, wanted == nil else { return false }
        guard let playing = plays[Key(persona: player.persona, mission: mission.id)]?.checkpoint else { return true }
        return stamps.contains(playing)
    }

    /// The checkpoint whose mirror is nearest the spot, in the spot's space.
    private func nearest(to spot: MirrorSpot, among checkpoints: [Checkpoint]) -> Checkpoint? {
        checkpoints.filter { $0.mirror.space == spot.space }.min { a, b in
            let da = (a.mirror.x - spot.x) * (a.mirror.x - spot.x) + (a.mirror.y - spot.y) * (a.mirror.y - spot.y)
            let db = (b.mirror.x - spot.x) * (b.mirror.x - spot.x) + (b.mirror.y - spot.y) * (b.mirror.y - spot.y)
            return da < db
        }
    }

    private func nearest(to fix: Fix, among checkpoints: [Checkpoint]) -> Checkpoint? {
        guard fix.latitude.isFinite, fix.longitude.isFinite else { return nil }
        return checkpoints.min { a, b in
            let da = Geodesic.inverse(
                lat1: fix.latitude, lon1: fix.longitude, lat2: a.place.latitude, lon2: a.place.longitude)?.distanceM
            let db = Geodesic.inverse(
                lat1: fix.latitude, lon1: fix.longitude, lat2: b.place.latitude, lon2: b.place.longitude)?.distanceM
            return (da ?? .infinity) < (db ?? .infinity)
        }
    }

    /// Forgets idle plays and stale meeting marks, at most once a minute (once a second when `force`).
    private mutating func sweep(nowS: Double, force: Bool) {
        // Forced (the desk is full) at most once a second, so a full desk is not swept per request.
        guard nowS - sweptS >= (force ? 1 : 60) else { return }
        sweptS = nowS
        let idle = idleS
        plays = plays.filter { nowS - $0.value.seenS < idle }
        let fresh = meetFreshS
        meetings = meetings.compactMapValues { marks in
            let kept = marks.filter { nowS - $0.value <= fresh }
            return kept.isEmpty ? nil : kept
        }
    }
}
