import Docent
import Foundation
import Logging
import Missions
import Privacy
import ServiceLifecycle
import Storage
import WorldModel

/// Brings in the missions curators saved, then once a minute (`missionStatsPeriodS`) turns each ended day of completion
/// counts into one noisy release per mission (`MissionDayRelease`), spending its ε from the
/// mission's daily budget (`mission:<id>` in the ε ledger), and drops the raw tally.
struct MissionStatsPublisher: Service {
    let services: Services
    let logger: Logger

    func run() async throws {
        await loadSaved()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await publish(services.missions.endedDays(now: services.now()))
            try? await gracefulShutdown(for: .seconds(services.config.missionStatsPeriodS))
        }
    }

    /// Saved versions win over the shipped files of the same id.
    func loadSaved() async {
        for (id, json) in (try? await services.store.missions()) ?? [] { services.putSavedMission(id, json) }
    }

    /// Releases every mission that was open on each ended day, whether anyone played it or not (so
    /// that a release's existence says nothing about one person).
    func publish(_ days: [CompletionTally]) async {
        let policy = services.config.releasePolicy
        var rng = SystemRandomNumberGenerator()
        for tally in days {
            let start = Date(timeIntervalSince1970: TimeInterval(tally.dayStart))
            for m in services.missions.all() where Self.wasOpen(m, from: start, to: start + 86_400) {
                let release = MissionDayRelease.make(mission: m, tally: tally, policy: policy, rng: &rng)
                do {
                    let json = String(decoding: try JSONEncoder().encode(release), as: UTF8.self)
                    try await services.store.storeRelease(
                        space: Self.ledgerKey(m.id), hourStart: tally.dayStart, day: tally.day,
                        epsilon: policy.epsilon, dailyCap: policy.dailyCap, json: json)
                } catch let e as StoreError where e.code == .limit || e.code == .conflict {
                    logger.debug("mission day not released", metadata: ["mission": "\(m.id)", "why": "\(e.message)"])
                } catch {
                    logger.error("storing a mission release failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// The ε ledger's account for a mission's releases.
    static func ledgerKey(_ mission: String) -> String { "mission:\(mission)" }

    static func wasOpen(_ m: Mission, from: Date, to: Date) -> Bool {
        guard let w = m.window else { return true }
        return w.opens < to && w.closes > from
    }
}

extension Services {
    /// Puts a mission saved in the store into the book; an unreadable one is skipped with a warning.
    func putSavedMission(_ id: String, _ json: String) {
        do {
            missions.put(
                try MissionRules.decode(
                    Data(json.utf8), spaces: Set(world.spaces.map(\.id)), artworks: Set(docent.artworksById.keys)))
        } catch {
            logger.warning("stored mission does not load; skipped", metadata: ["id": "\(id)", "why": "\(error)"])
        }
    }

    /// Reads one mission another node saved.
    func reloadMission(_ id: String) async {
        guard let saved = try? await store.missions().first(where: { $0.id == id }) else { return }
        putSavedMission(saved.id, saved.json)
    }
}
