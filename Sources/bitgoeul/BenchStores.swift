import ArgumentParser
import Clocks
import Foundation
import Logging
import Privacy
import Storage
import StoragePostgres
import StorageSQLite
import WorldModel

extension Bench {
    /// `bitgoeul bench stores`: how many of the hot writes a store takes per second — blocks and
    /// mutes, reports, transparency-log appends and hourly statistics releases — one at a time, then
    /// from several tasks at once, on the embedded SQLite and, with `--database`, on PostgreSQL.
    struct Stores: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stores",
            abstract: "Hot store writes per second: relations, reports, access-log appends, statistics releases.",
            discussion: """
                Each write runs --ops times one at a time, then --ops times from --concurrency tasks, \
                through the same Store calls the server makes. SQLite runs in a fresh temporary directory \
                that is removed at the end. PostgreSQL runs in a fresh schema (bench_…) of the database; \
                the store cannot drop a schema, so it is LEFT there and its name printed (to stderr) for \
                DROP SCHEMA … CASCADE. A schema in the URL is ignored. The pool has the server's default \
                size (\(PostgresStore.connectionsMaxDefault) connections).
                """)

        @Option(help: "Operations per write and run (1...100000).") var ops = 500
        @Option(help: "Tasks writing at once in the parallel run (1...64).") var concurrency = 8
        @Option(help: "PostgreSQL to measure too: postgres://USER@HOST:PORT/DB (the password from $PGPASSWORD).")
        var database: String?
        @Flag(help: "One JSON object per line.") var json = false

        /// One write, run as operation number `k` (numbers differ across runs, so no write repeats);
        /// false when the store refused it as over a limit.
        typealias Write = @Sendable (_ k: Int) async throws -> Bool

        /// One line of the results.
        struct Row: Codable {
            var store: String
            var write: String
            var tasks: Int
            var ops: Int
            var opsPerS: Double
            var p50Ms: Double
            var p99Ms: Double
            var refused: Int
        }

        func validate() throws {
            guard (1...100_000).contains(ops) else { throw ValidationError("--ops must be within 1...100000") }
            guard (1...64).contains(concurrency) else {
                throw ValidationError("--concurrency must be within 1...64")
            }
            if let database {
                do {
                    _ = try PostgresLocation(url: database)
                } catch let error as PostgresStoreError {
                    throw ValidationError(error.message)
                }
            }
        }

        func run() async throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "bench-stores-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            if !json {
                print("store     write        tasks     ops     ops/s   p50 ms   p99 ms  refused")
            }
            let sqlite = try SQLiteStore(path: dir.appendingPathComponent("bitgoeul.sqlite").path)
            try await bench(sqlite, name: "sqlite", keys: dir)
            guard let database else { return }
            var location = try PostgresLocation(url: database)
            let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
            location.schema = schema
            var quiet = Logger(label: "bitgoeul.postgres.bench")
            quiet.logLevel = .warning
            let postgres = try await PostgresStore.open(location, logger: quiet)
            defer {
                FileHandle.standardError.write(
                    Data("bench stores: schema \(schema) left in \(location); DROP SCHEMA \(schema) CASCADE\n".utf8))
            }
            do {
                try await bench(postgres, name: "postgres", keys: dir)
            } catch {
                await postgres.close()
                throw error
            }
            await postgres.close()
        }

        /// Makes the accounts (not timed), then times each write one at a time and from `concurrency` tasks.
        private func bench(_ store: any Store, name: String, keys: URL) async throws {
            let now = ServiceClock.system.now()  // read once, at the command's edge
            // Enough accounts that every block or mute is a new (kind, owner, target).
            let count = max(200, Int(Double(ops).squareRoot()) + 2)
            var accounts: [Int64] = []
            for i in 0..<count {
                accounts.append(try await store.createAccount(username: "bench\(i)", passwordHash: "x", now: now).id)
            }
            let log = AccessLog(store: store, key: try AccessLog.loadKey(dataDirectory: keys))
            let writes = try Self.writes(store, log: log, accounts: accounts, now: now)
            for (write, op) in writes {
                for (run, tasks) in [1, concurrency].enumerated() {
                    var row = try await Self.time(ops: ops, tasks: tasks, first: run * ops, op)
                    row.store = name
                    row.write = write
                    if json {
                        let encoder = JSONEncoder()
                        encoder.outputFormatting = [.sortedKeys]
                        encoder.keyEncodingStrategy = .convertToSnakeCase
                        print(String(decoding: try encoder.encode(row), as: UTF8.self))
                    } else {
                        print(
                            String(
                                format: "%@  %@  %5d  %6d  %8.0f  %7.2f  %7.2f  %7d",
                                name.padding(toLength: 8, withPad: " ", startingAt: 0),
                                write.padding(toLength: 11, withPad: " ", startingAt: 0), tasks, row.ops,
                                row.opsPerS, row.p50Ms, row.p99Ms, row.refused))
                    }
                }
            }
        }

        /// The four hot writes, each as the server makes it.
        private static func writes(_ store: any Store, log: AccessLog, accounts: [Int64], now: Date) throws
            -> [(String, Write)]
        {
            let n = accounts.count
            // A block or mute from the session (`SessionEffects.saveRelation`): operation k is the
            // (k/2)-th ordered pair of distinct accounts, block when k is even, mute when odd.
            let relation: Write = { k in
                let owner = k / 2 / (n - 1)
                let t = k / 2 % (n - 1)
                let target = t >= owner ? t + 1 : t
                _ = try await store.addRelation(
                    kind: k % 2 == 0 ? .block : .mute, owner: accounts[owner], target: accounts[target],
                    targetName: "persona\(target)", now: now)
                return true
            }
            // A citizen's report (`SessionEffects`, `.fileReport`).
            let report: Write = { k in
                _ = try await store.fileReport(
                    Report(
                        reporterAccount: accounts[k % n], reportedAccount: accounts[(k + 1) % n],
                        reportedName: "persona\((k + 1) % n)", space: "bench", category: .harassment,
                        note: "bench report", createdAt: now))
                return true
            }
            // A moderator opening a report's evidence (`ModerationController.openReport`).
            let access: Write = { k in
                try await log.record(
                    .evidenceOpened, subject: accounts[k % n], actor: accounts[(k + 7) % n], role: "moderator",
                    space: "bench", reportId: Int64(k + 1), purpose: "report #\(k + 1): harassment", now: now)
                return true
            }
            // An hourly release (`StatsPublisher.publish`): as many hours of one space as its daily
            // cap allows, then the next space, all on one UTC day.
            let policy = ReleasePolicy()
            let perDay = policy.releasesPerDay
            let dayStart = Int64(now.timeIntervalSince1970) / 86_400 * 86_400
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            let date = utc.dateComponents([.year, .month, .day], from: now)
            let day = String(format: "%04d-%02d-%02d", date.year ?? 0, date.month ?? 0, date.day ?? 0)
            var tally = VisitTally(hourStart: dayStart, grid: HeatGrid(minX: 0, minY: 0, width: 640, depth: 640))
            for v in 0..<100 {
                tally.arrive(visitor: UInt64(v))
                tally.observe(visitor: UInt64(v), x: Double(v * 6), y: Double(v * 3), seconds: 600)
            }
            var rng = SystemRandomNumberGenerator()
            let release = HourRelease.make(space: "bench", tally: tally, policy: policy, rng: &rng)
            let json = String(decoding: try JSONEncoder().encode(release), as: UTF8.self)
            let stats: Write = { k in
                do {
                    try await store.storeRelease(
                        space: "bench-\(k / perDay)", hourStart: dayStart + Int64(k % perDay) * 3600, day: day,
                        epsilon: policy.epsilon, dailyCap: policy.dailyCap, json: json)
                    return true
                } catch let e as StoreError where e.code == .limit {
                    return false
                }
            }
            return [("relation", relation), ("report", report), ("access-log", access), ("stats", stats)]
        }

        /// Runs operations `first..<first+ops` from `tasks` tasks (task w takes every tasks-th from
        /// first+w), timing each call and the whole.
        private static func time(ops: Int, tasks: Int, first: Int, _ op: @escaping Write) async throws -> Row {
            let start = ContinuousClock.now
            let (latencies, refused) = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
                for w in 0..<tasks {
                    group.addTask {
                        var latencies: [Double] = []
                        var refused = 0
                        for k in stride(from: first + w, to: first + ops, by: tasks) {
                            let t = ContinuousClock.now
                            if try await !op(k) { refused += 1 }
                            latencies.append((ContinuousClock.now - t).milliseconds)
                        }
                        return (latencies, refused)
                    }
                }
                var all: [Double] = []
                var refused = 0
                for try await (latencies, r) in group {
                    all += latencies
                    refused += r
                }
                return (all.sorted(), refused)
            }
            let seconds = (ContinuousClock.now - start).milliseconds / 1000
            return Row(
                store: "", write: "", tasks: tasks, ops: ops, opsPerS: Double(ops) / seconds,
                p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), refused: refused)
        }
    }
}
