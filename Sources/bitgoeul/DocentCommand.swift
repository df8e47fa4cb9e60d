import ArgumentParser
import Docent
import Foundation

/// `bitgoeul docent ask --catalog FILE [--json] "question"`: the docent on the command line.
struct DocentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docent", abstract: "Ask the docent about the catalogue.", subcommands: [Ask.self])

    struct Ask: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a question (Korean or English) from an artwork catalogue.")

        @Option(help: "The catalogue (JSON with an `artworks` array).")
        var catalog = "../shared/data/artworks/tate_media_and_korean_artworks_cc0.json"
        @Option(help: "Catalogue ids of the works the visitor stands near, nearest first (repeatable).")
        var near: [String] = []
        @Flag(help: "Print {\"answer\": …, \"artworks\": […]} as JSON.") var json = false
        @Argument(help: "The question.") var question: String

        func run() throws {
            let docent: Docent
            do {
                let (artworks, source) = try Catalogue.load(file: URL(fileURLWithPath: catalog))
                docent = Docent(
                    artworks: artworks, source: source.map { _ in "Tate collection metadata (CC0)" } ?? "the catalogue")
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            do {
                let answer = try docent.ask(question, near: near)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    struct Out: Encodable {
                        let answer: String
                        let artworks: [String]
                    }
                    print(
                        String(
                            decoding: try encoder.encode(Out(answer: answer.answer, artworks: answer.artworks)),
                            as: UTF8.self))
                } else {
                    print(answer.answer)
                    if !answer.artworks.isEmpty { print("→ " + answer.artworks.joined(separator: ", ")) }
                }
            } catch let error as Docent.QuestionError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}
