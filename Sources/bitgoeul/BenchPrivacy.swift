import ArgumentParser
import BitgoeulServer
import Foundation
import Privacy
import Storage
import StorageSQLite

extension Bench {
    /// `bitgoeul bench privacy`: what the privacy machinery costs — appending to the transparency
    /// log (sign a new head each time) as it grows, building a person's proofs, releasing an hour,
    /// and the vault's key derivation.
    struct PrivacyCosts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "privacy", abstract: "Transparency-log appends and proofs, DP releases, vault key derivation.")

        @Option(help: "Log sizes at which appends are timed (comma-separated).") var sizes = "1000,10000,50000"

        func run() async throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "bench-privacy-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let store = try SQLiteStore(path: dir.appendingPathComponent("bitgoeul.sqlite").path)
            let log = AccessLog(store: store, key: try AccessLog.loadKey(dataDirectory: dir))
            let account = try await store.createAccount(username: "bench", passwordHash: "x", now: Date()).id
            let targets = sizes.split(separator: ",").compactMap { Int($0) }.sorted()
            guard let largest = targets.last, largest <= 1_000_000 else {
                throw ValidationError("--sizes up to 1000000")
            }
            print("log size  append ms (mean of 20)  1 proof ms  20 proofs ms  (each append signs a new Ed25519 head)")
            var size = 0
            for target in targets {
                // Fill quickly to `target`, then time 20 real appends.
                while size < target - 20 {
                    try await log.record(
                        .accountLookup, subject: account, actor: nil, role: "operator", purpose: "fill", now: Date())
                    size += 1
                }
                let start = ContinuousClock.now
                for _ in 0..<20 {
                    try await log.record(
                        .accountLookup, subject: account, actor: nil, role: "operator", purpose: "t",
                        now: Date())
                    size += 1
                }
                let appendMs = (ContinuousClock.now - start).milliseconds / 20
                let leaves = try await log.currentLeaves()
                let p = ContinuousClock.now
                _ = MerkleTree.inclusionProof(index: leaves.count / 2, leaves: leaves[...])
                let one = (ContinuousClock.now - p).milliseconds
                let q = ContinuousClock.now
                _ = MerkleTree.inclusionProofs(
                    indices: stride(from: 0, to: leaves.count, by: leaves.count / 20).map { $0 }, leaves: leaves[...])
                print(
                    String(
                        format: "%8d  %22.2f  %10.2f  %11.2f", size, appendMs, one,
                        (ContinuousClock.now - q).milliseconds))
            }
            var tally = VisitTally(hourStart: 0, grid: HeatGrid(minX: 0, minY: 0, width: 640, depth: 640))
            for v in 0..<10_000 {
                tally.arrive(visitor: UInt64(v))
                tally.observe(visitor: UInt64(v), x: Double(v % 640), y: Double(v / 16 % 640), seconds: 600)
            }
            var rng = SystemRandomNumberGenerator()
            let r = ContinuousClock.now
            _ = HourRelease.make(space: "bench", tally: tally, policy: ReleasePolicy(), rng: &rng)
            print(
                String(
                    format: "one hourly release of 10,000 visitors on a 32×32 grid: %.2f ms",
                    (ContinuousClock.now - r).milliseconds))
            let k = ContinuousClock.now
            _ = try LifelogVault.deriveKey(
                passphrase: "bench passphrase", salt: Array(repeating: 1, count: 16),
                iterations: VaultEnvelope.iterationsMin)
            print(
                String(
                    format: "vault key derivation (PBKDF2-SHA256, 600,000 iterations) in Swift: %.0f ms",
                    (ContinuousClock.now - k).milliseconds))
        }
    }
}

extension Duration {
    /// The duration in milliseconds, for benchmark reports.
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
