import ArgumentParser
import Foundation
import Missions
import WorldModel

extension Bench {
    /// `bitgoeul bench missions`: on-site fixes judged per second on this thread (the whole desk:
    /// the play's lookup, the plausibility rules, two geodesics), and the memory one active on-site
    /// player holds on the desk (docs/missions.md).
    struct Missions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mission fixes checked per second on this thread, and memory per on-site player.")

        @Option(help: "Players walking at once.") var players = 10_000
        @Option(help: "Fixes each player sends (one a second).") var fixes = 30

        func run() throws {
            guard (1...200_000).contains(players), (2...600).contains(fixes) else {
                throw ValidationError("--players is 1...200000 and --fixes 2...600")
            }
            let place = Checkpoint.Place(latitude: 35.14743, longitude: 126.919358, radiusM: 35)
            let text = LocalizedText(ko: "광장", en: "Square")
            let mission = Mission(
                id: "bench", title: text, story: text, order: .ordered,
                checkpoints: [
                    Checkpoint(
                        id: "acc", name: text, place: place,
                        mirror: .init(space: "gwangju/acc-plaza", x: 0, y: 0, radiusM: 8), task: .reach, stamp: text)
                ])
            let zone = TimeZone(identifier: "Asia/Seoul") ?? .gmt
            // One fixed instant: the fixes' times are all that depends on it.
            let t0 = 1_791_601_200.0
            var desk = MissionDesk(playsMax: players + 1)
            let rssBefore = Self.residentBytes()
            var judged = 0
            var elapsed = Duration.zero
            for second in 0..<fixes {
                let now = Date(timeIntervalSince1970: t0 + Double(second))
                let start = ContinuousClock.now
                for p in 0..<players {
                    // Each player walks north at 1.4 m/s from 500 m south, with a little jitter.
                    let north = -500 + 1.4 * Double(second) + Double((p &* 7 &+ second) % 5) * 0.3
                    let east = Double(p % 200) - 100
                    let fix = Fix(
                        latitude: place.latitude + north / 111_320,
                        longitude: place.longitude + east / (111_320 * cos(place.latitude * .pi / 180)), accuracyM: 8,
                        timeS: now.timeIntervalSince1970 - 0.2)
                    let player = MissionDesk.Player(account: Int64(p), persona: Int64(p))
                    if try desk.receive(fix, from: player, mission: mission, stamps: [], now: now, timeZone: zone)
                        != nil
                    {
                        judged += 1
                    }
                }
                elapsed += ContinuousClock.now - start
            }
            let rssAfter = Self.residentBytes()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("players \(players), fixes \(judged) (\(fixes) each)")
            print(
                String(
                    format: "checked: %9.0f fixes per s  (%.2f µs each)", Double(judged) / seconds,
                    seconds / Double(judged) * 1e6))
            print(
                String(
                    format: "memory:  %9.0f bytes per on-site player (resident growth / players, %d plays held)",
                    Double(max(0, rssAfter - rssBefore)) / Double(players), desk.playCount))
        }

        /// Resident memory of this process (Linux /proc; 0 elsewhere).
        static func residentBytes() -> Int {
            guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
            let fields = text.split(separator: " ")
            guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
    }
}
