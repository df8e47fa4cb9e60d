import Docent
import Foundation
import Missions
import Storage
import WorldModel

/// What the missions API answers (docs/missions.md §2–3). No view carries a right answer.
extension MissionsController {
    struct MissionView: Encodable {
        let id: String
        let title: LocalizedText
        let story: LocalizedText
        let window: Mission.Window?
        let order: String
        let daylightOnly: Bool
        let reward: String?
        let checkpoints: [CheckpointView]
        let open: Bool
        let closed: String?
        let opensAt: Date?
    }

    struct CheckpointView: Encodable {
        let id: String
        let name: LocalizedText
        let place: Checkpoint.Place
        let mirror: Checkpoint.Mirror
        let task: TaskView
        let stamp: LocalizedText

        init(_ c: Checkpoint, services: Services) {
            id = c.id
            name = c.name
            place = c.place
            mirror = c.mirror
            task = TaskView(c.task, services: services)
            stamp = c.stamp
        }
    }

    /// A task as players see it: the question and its choices, the artist and year of the work to
    /// find, how many must meet, when it opens; never the answer.
    struct TaskView: Encodable {
        let kind: String
        var prompt: LocalizedText?
        var choices: [LocalizedText]?
        var artist: String?
        var year: Int?
        var players: Int?
        var at: String?
        var minutes: Int?

        init(_ task: MissionTask, services: Services) {
            kind = task.kind
            switch task {
            case .reach: break
            case .question(let prompt, _): self.prompt = prompt
            case .choice(let prompt, let choices, _):
                self.prompt = prompt
                self.choices = choices
            case .artwork(let id):
                let work = services.docent.artworksById[id]
                artist = work?.artist
                year = work?.year
            case .meet(let players): self.players = players
            case .scheduled(let at, let minutes):
                self.at = at
                self.minutes = minutes
            }
        }
    }

    struct ProgressView: Encodable {
        let mission: String
        let open: Bool
        let closed: String?
        let opensAt: Date?
        let stamps: [String]
        let complete: Bool
        let reward: String?
        let rewardEarned: Bool
        let next: String?
        let verdict: VerdictView?
    }

    struct WaitingView: Encodable {
        let kind: String
        var prompt: LocalizedText?
        var choices: [LocalizedText]?
        var artist: String?
        var year: Int?
        var here: Int?
        var needed: Int?
        var opensAt: Date?
        var closesAt: Date?
    }

    struct VerdictView: Encodable {
        let checkpoint: String
        let state: String
        let reason: String?
        let message: String?
        let distanceM: Double?
        let bearingDeg: Double?
        let leftS: Double?
        let task: WaitingView?

        init(_ v: MissionDesk.Verdict, checkpoint: Checkpoint?, services: Services) {
            self.checkpoint = v.checkpoint
            state = v.state.rawValue
            reason = v.reason
            message = v.message
            distanceM = v.distanceM.map { ($0 * 10).rounded() / 10 }
            bearingDeg = v.bearingDeg.map { $0.rounded() }
            leftS = v.leftS.map { ($0 * 10).rounded() / 10 }
            guard let waiting = v.waiting, let checkpoint else {
                task = nil
                return
            }
            let shown = TaskView(checkpoint.task, services: services)
            var view = WaitingView(kind: shown.kind)
            switch waiting {
            case .answer:
                view.prompt = shown.prompt
                view.choices = shown.choices
                view.artist = shown.artist
                view.year = shown.year
            case .meet(let here, let needed):
                view.here = here
                view.needed = needed
            case .scheduled(let opens, let closes):
                view.opensAt = opens
                view.closesAt = closes
            }
            task = view
        }
    }

    struct StampsBody: Encodable {
        let stamps: [EarnedStamp]
        let rewards: [String]
    }
}
