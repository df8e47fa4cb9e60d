import ArgumentParser
import Docent
import Foundation

extension ImportCommand {
    /// `bitgoeul import artworks FILE`: checks a catalogue and installs it as the server's.
    struct Artworks: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an artwork catalogue (JSON) and install it in the data directory for the docent.")

        @Argument(help: "The catalogue: {\"metadata\": {…}, \"artworks\": [{\"accession_number\", \"title\", …}]}.")
        var file: String
        @Option(help: "Data directory of the server (the catalogue goes to DATA/catalogue.json).") var data = "var"

        func run() throws {
            let source = URL(fileURLWithPath: file)
            let loaded: (artworks: [Artwork], source: String?)
            do {
                loaded = try Catalogue.load(file: source)
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let directory = URL(fileURLWithPath: data)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // Temporary file and rename: a crash never leaves half a catalogue.
            try Data(contentsOf: source).write(to: directory.appendingPathComponent("catalogue.json"), options: .atomic)
            print(
                "\(loaded.artworks.count) artworks installed in \(data)/catalogue.json"
                    + (loaded.source.map { " (source: \($0))" } ?? "") + "; restart the server to use them")
        }
    }
}
