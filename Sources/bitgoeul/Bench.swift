import ArgumentParser
import Foundation
import Geo
import Realtime

/// `bitgoeul bench tick`: the in-process tick benchmark.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (not tests).",
        subcommands: [
            Tick.self, Import.self, DocentLatency.self, PrivacyCosts.self, Rays.self, ClusterBench.self, Stores.self,
            Tickets.self, Missions.self, PlanningCosts.self,
        ])

    struct Tick: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the tick in process (movement, interest, encoding; no sockets) and print p50/p99.")

        @Option(help: "Comma-separated avatar counts.") var avatars = "1000,5000,10000"
        @Option(help: "Measured ticks per count (after 20 warm-up ticks).") var ticks = 200
        @Option(help: "Threads writing snapshots.") var workers = 2
        @Option(help: "Square metres per avatar (100 = a lively plaza, 1 = a packed crowd).") var areaPerAvatar = 100.0
        @Flag(inversion: .prefixedNo, help: "Safety rules (boundary, blocks, evidence buffer) in the tick.")
        var safety = true
        @Flag(inversion: .prefixedNo, help: "Visit counting for the hourly statistics in the tick.")
        var visits = true
        @Flag(help: "One JSON object per line.") var json = false

        func run() throws {
            let counts = avatars.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !counts.isEmpty, counts.allSatisfy({ (1...20_000).contains($0) }) else {
                throw ValidationError("--avatars takes counts within 1...20000, e.g. 1000,5000,10000")
            }
            guard (1...100_000).contains(ticks) else { throw ValidationError("--ticks must be within 1...100000") }
            guard (1...16).contains(workers) else { throw ValidationError("--workers must be within 1...16") }
            guard (0.5...10_000).contains(areaPerAvatar) else {
                throw ValidationError("--area-per-avatar must be within 0.5...10000 m²")
            }
            if !json {
                print("avatars  tick p50 ms  tick p99 ms  tick max ms  bytes/client/s  visible/client")
            }
            for n in counts {
                var bench = TickBenchmark(avatars: n, ticks: ticks)
                bench.config.tickWorkers = workers
                bench.areaPerAvatarM2 = areaPerAvatar
                bench.config.safety = safety
                bench.countVisits = visits
                let r = bench.run()
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    print(String(decoding: try encoder.encode(r), as: UTF8.self))
                } else {
                    print(
                        String(
                            format: "%7d  %11.2f  %11.2f  %11.2f  %14.0f  %14.1f", r.avatars, r.tick_p50_ms,
                            r.tick_p99_ms, r.tick_max_ms, r.bytes_per_client_per_s, r.visible_per_client))
                }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import synthetic footprints end to end (parse, project, clean, triangulate, extrude, write).")

        @Option(help: "Number of synthetic buildings (1...1000000).") var buildings = 100_000
        @Flag(help: "One JSON object.") var json = false

        func run() throws {
            guard (1...1_000_000).contains(buildings) else { throw ValidationError("--buildings is 1...1000000") }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bitgoeul-bench-\(getpid())")
            defer { try? FileManager.default.removeItem(at: dir) }
            let r = try ImportBenchmark(buildings: buildings).run(directory: dir)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(r), as: UTF8.self))
            } else {
                print(
                    String(
                        format:
                            "%d buildings in %.2f s: %.0f buildings/s (parse %.2f s, build %.2f s, write %.2f s; GLB %.1f MB)",
                        r.buildings, r.seconds, r.buildings_per_s, r.parse_s, r.build_s, r.write_s,
                        Double(r.glb_bytes) / 1e6))
            }
        }
    }
}
