import ArgumentParser
import Docent
import Foundation
import WorldModel

extension Bench {
    /// Query latency of the docent over the demo catalogue and over a large synthetic one.
    struct DocentLatency: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "docent", abstract: "Docent query latency (p50/p99) over the demo and synthetic catalogues.")

        @Option(help: "The demo catalogue.")
        var catalog = "../shared/data/artworks/tate_media_and_korean_artworks_cc0.json"
        @Option(help: "Synthetic records for the large case.") var synthetic = 10_000
        @Option(help: "Queries per case.") var queries = 2000

        func run() throws {
            guard (1...1_000_000).contains(synthetic), (1...1_000_000).contains(queries) else {
                throw ValidationError("--synthetic and --queries are within 1...1000000")
            }
            let demo = try Catalogue.load(file: URL(fileURLWithPath: catalog)).artworks
            var rng = SplitMix64(seed: 7)
            let words = Set(
                demo.flatMap { ($0.title + " " + ($0.medium ?? "")).split(separator: " ").map(String.init) }
            )
            .sorted()
            let artists = Set(demo.map(\.artist)).sorted()
            let large = (0..<synthetic).map { i in
                let title = (0..<4).map { _ in words[Int.random(in: 0..<words.count, using: &rng)] }.joined(
                    separator: " ")
                let medium = (0..<3).map { _ in words[Int.random(in: 0..<words.count, using: &rng)] }.joined(
                    separator: " ")
                return Artwork(
                    id: "S\(i)", title: title, artist: artists[Int.random(in: 0..<artists.count, using: &rng)],
                    dateText: String(1950 + i % 70), medium: medium)
            }
            let questions = [
                "Who made Correspondence?", "빌 비올라의 비디오 작품", "What is Staircase-III made of?",
                "마틴 크리드의 네온 작품", "Tacita Dean film about the sea", "이 작품은 누가 만들었나요?",
                "레온 페라리의 인권 작품", "When was From Winds painted?",
            ]
            for (name, artworks) in [("demo (\(demo.count) works)", demo), ("synthetic (\(large.count) works)", large)]
            {
                let docent = Docent(artworks: artworks)
                var times: [Double] = []
                times.reserveCapacity(queries)
                for q in 0..<queries {
                    let start = DispatchTime.now().uptimeNanoseconds
                    _ = try docent.ask(questions[q % questions.count], near: [artworks[q % artworks.count].id])
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
                times.sort()
                print(
                    String(
                        format: "%@: p50 %.3f ms, p99 %.3f ms, max %.3f ms over %d queries", name,
                        percentile(times, 0.5), percentile(times, 0.99), times.last ?? 0, queries))
            }
        }
    }
}
