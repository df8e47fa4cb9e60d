import ArgumentParser
import Foundation
import Planning
import Storage
import StorageSQLite
import WorldModel

extension Bench {
    /// `bitgoeul bench planning`: the wall time of a proposal's effects job (as the server runs it,
    /// on one thread), and how long the tally and the comment listing take on a ballot of `--votes`
    /// and a discussion of `--comments` in SQLite (docs/planning.md).
    struct PlanningCosts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "planning",
            abstract: "A proposal's effects job wall time, and tally and comment listing latency in SQLite.")

        @Option(help: "A world directory (region.json and spaces/).") var world = "worlds/seoul"
        @Option(help: "The proposal file (it names its space).") var proposal =
            "worlds/seoul/proposals/yeouido-tower.json"
        @Option(help: "full or draft.") var quality = "full"
        @Option(help: "Threads for the effects job (the server uses 1).") var threads = 1
        @Option(help: "Votes on the ballot.") var votes = 10_000
        @Option(help: "Comments under the proposal.") var comments = 1_000
        @Option(help: "Timed repetitions of each query.") var repeats = 50

        func run() async throws {
            guard (1...2_000_000).contains(votes), (1...Discussion.commentsMax).contains(comments),
                (1...10_000).contains(repeats), (1...16).contains(threads)
            else {
                throw ValidationError(
                    "--votes 1...2000000, --comments 1...20000, --repeats 1...10000, --threads 1...16")
            }
            var settings: EffectsSettings
            switch quality {
            case "full": settings = .full
            case "draft": settings = .draft
            default: throw ValidationError("--quality is full or draft")
            }
            settings.threads = threads
            let dir = URL(fileURLWithPath: world)
            let region = try ManifestLoader.loadRegion(directory: dir)
            let document = try ProposalRules.decode(Data(contentsOf: URL(fileURLWithPath: proposal)))
            guard let space = region.spaces.first(where: { $0.id == document.space }) else {
                throw ValidationError("the proposal's space '\(document.space ?? "")' is not in \(world)")
            }
            let folder = dir.appendingPathComponent("spaces").appendingPathComponent(
                String(space.id.split(separator: "/").last ?? ""))
            let buildings = try SpaceBuildings.load(space: space, folder: folder)
            let checked = try ProposalRules.check(
                document, id: document.id ?? "bench", space: space, buildings: buildings)
            let climate = Self.climate(folder)
            let job = EffectsJob(
                proposal: checked, version: 1, space: space, buildings: buildings, climate: climate,
                timeZone: TimeZone(identifier: "Asia/Seoul") ?? .gmt, settings: settings)
            let start = ContinuousClock.now
            let effects = try job.run()
            let wall = Self.seconds(ContinuousClock.now - start)
            let parts = effects.partSeconds.sorted { $0.key < $1.key }.map {
                "\($0.key) \(String(format: "%.1f", $0.value)) s"
            }
            print(
                "effects of \(checked.id) (\(quality), \(threads) thread(s)): \(String(format: "%.1f", wall)) s ("
                    + parts.joined(separator: ", ") + ")")
            if let s = effects.solar {
                print(
                    "  solar: \(s.roofsChecked) roofs analysed twice, \(s.roofs.count) changed; "
                        + "−\(Int(s.lostKWh)) kWh/yr, +\(Int(s.gainedKWh)) kWh/yr")
            }
            if let sh = effects.shadow {
                print(
                    "  shadow: \(sh.cols)×\(sh.rows) cells of \(String(format: "%.1f", sh.cellM)) m; winter up to "
                        + "\(sh.winter.maxAddedH) h more, summer \(sh.summer.maxAddedH) h")
            }
            if let c = effects.crowd {
                print(
                    "  crowd: evacuation \(c.today.evacuationS ?? -1) s today, \(c.proposed.evacuationS ?? -1) s planned"
                )
            }
            try await ballotAndDiscussion()
        }

        /// Tally and listing latency on a temporary SQLite database.
        func ballotAndDiscussion() async throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "bench-planning-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: path) }
            let store = try SQLiteStore(path: path.appendingPathComponent("bench.sqlite").path)
            let key = Ballot.newKey()
            let now = Date(timeIntervalSince1970: 1_796_094_000)
            for i in 0..<votes {
                try await store.vote(
                    proposal: "bench", version: 1, voter: Ballot.voter(account: Int64(i), key: key),
                    stance: i % 3 == 0 ? "oppose" : "support")
            }
            var authors: [(Int64, Int64)] = []
            for i in 0..<100 {
                let account = try await store.createAccount(username: "citizen\(i)", passwordHash: "h", now: now)
                let persona = try await store.createPersona(
                    accountId: account.id, name: "시민\(i)", appearance: .standard, maxPerAccount: 3, now: now)
                authors.append((account.id, persona.id))
            }
            var tops: [Int64] = []
            for i in 0..<comments {
                let (account, persona) = authors[i % authors.count]
                let parent = i % 4 == 3 ? tops.last : nil
                let saved = try await store.addComment(
                    ProposalComment(
                        proposal: "bench", version: 1, parent: parent, account: account, persona: persona,
                        author: "시민", planner: false, text: String(repeating: "의견 ", count: 40), createdAt: now),
                    commentsMax: Discussion.commentsMax)
                if parent == nil { tops.append(saved.id) }
            }
            func time(_ body: () async throws -> Void) async throws -> (mean: Double, p99: Double) {
                var samples: [Double] = []
                for _ in 0..<repeats {
                    let t = ContinuousClock.now
                    try await body()
                    samples.append(Self.seconds(ContinuousClock.now - t) * 1000)
                }
                samples.sort()
                return (
                    samples.reduce(0, +) / Double(samples.count),
                    samples[min(samples.count - 1, samples.count * 99 / 100)]
                )
            }
            let tally = try await time { _ = try await store.tally(proposal: "bench", version: 1) }
            let listing = try await time { _ = try await store.comments(proposal: "bench") }
            let own = try await time {
                _ = try await store.stance(proposal: "bench", version: 1, voter: Ballot.voter(account: 42, key: key))
            }
            print(String(format: "tally of %d votes: mean %.2f ms, p99 %.2f ms", votes, tally.mean, tally.p99))
            print(String(format: "one's own stance: mean %.3f ms, p99 %.3f ms", own.mean, own.p99))
            print(String(format: "listing %d comments: mean %.2f ms, p99 %.2f ms", comments, listing.mean, listing.p99))
        }

        static func climate(_ folder: URL) -> (linkeTurbidity: [Double], albedo: Double)? {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("solar.json")),
                let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let tl = root["linkeTurbidity"] as? [Double], tl.count == 12
            else { return nil }
            return (tl, root["albedo"] as? Double ?? 0.2)
        }

        static func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
    }
}
