import Foundation
import Logging
import Privacy
import Realtime
import ServiceLifecycle
import Storage

/// Turns each closed hour of visit counts into one noisy release, spends its ε from the space's
/// daily budget, stores only the release and drops the raw tally.
struct StatsPublisher: Service {
    let outbox: VisitOutbox
    let store: any Store
    let policy: ReleasePolicy
    let timeZone: TimeZone
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await hour in outbox.hours {
                await publish(hour)
            }
        }
    }

    func publish(_ hour: ClosedHour) async {
        var rng = SystemRandomNumberGenerator()
        let release = HourRelease.make(space: hour.space, tally: hour.tally, policy: policy, rng: &rng)
        do {
            let json = String(decoding: try JSONEncoder().encode(release), as: UTF8.self)
            try await store.storeRelease(
                space: hour.space, hourStart: release.hourStart,
                day: StatsController.day(of: release.hourStart, in: timeZone), epsilon: policy.epsilon,
                dailyCap: policy.dailyCap, json: json)
        } catch let e as StoreError where e.code == .limit || e.code == .conflict {
            logger.debug("hour not released", metadata: ["space": "\(hour.space)", "why": "\(e.message)"])
        } catch {
            logger.error("storing a statistics release failed", metadata: ["error": "\(error)"])
        }
    }
}
