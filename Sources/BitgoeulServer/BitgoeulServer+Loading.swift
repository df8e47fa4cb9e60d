import Docent
import Foundation
import Geo
import Missions
import Safety
import WorldModel

/// What the server reads from disk at start, each with file, field and reason when it is wrong.
extension BitgoeulServer {
    /// The gu and dong each space's anchor lies in, by space id (empty where no boundary covers it).
    static func areas(of world: World, config: ServerConfig) throws -> [String: [AdminArea]] {
        var boundaries = AdminAreas()
        if let dir = config.boundariesDirectory, FileManager.default.fileExists(atPath: dir.path) {
            boundaries = try AdminAreas.load(directory: dir)
        }
        return Dictionary(
            uniqueKeysWithValues: world.spaces.map {
                ($0.id, boundaries.locate(latitude: $0.anchor.latitude, longitude: $0.anchor.longitude))
            })
    }

    /// The words masked in chat (none without a list).
    static func wordFilter(_ config: ServerConfig) throws -> WordFilter {
        guard let file = config.wordListFile, FileManager.default.fileExists(atPath: file.path) else {
            return WordFilter(words: [])
        }
        return try WordFilter(contentsOf: file)
    }

    /// The catalogue: one imported with `bitgoeul import artworks` wins over the one shipped with the world.
    static func catalogue(_ config: ServerConfig) throws -> [Artwork] {
        let imported = config.dataDirectory.appendingPathComponent("catalogue.json")
        if FileManager.default.fileExists(atPath: imported.path) {
            return try Catalogue.load(file: imported).artworks
        }
        if let file = config.catalogueFile, FileManager.default.fileExists(atPath: file.path) {
            return try Catalogue.load(file: file).artworks
        }
        return []
    }

    /// The exhibitions shipped with the worlds, each checked against the catalogue and the spaces.
    static func exhibitions(_ config: ServerConfig, world: World, catalogue: Set<String>) throws -> [Exhibition] {
        var shown: [Exhibition] = []
        for dir in config.worldDirectories.map({ $0.appendingPathComponent("exhibitions") })
        where FileManager.default.fileExists(atPath: dir.path) {
            for file in try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            where file.pathExtension == "json" {
                shown.append(try exhibition(file, world: world, catalogue: catalogue))
            }
        }
        return shown
    }

    private static func exhibition(_ file: URL, world: World, catalogue: Set<String>) throws -> Exhibition {
        let e: Exhibition
        do {
            e = try JSONDecoder().decode(Exhibition.self, from: Data(contentsOf: file))
        } catch {
            throw ManifestError(file: file.path, field: "(document)", reason: "not an exhibition: \(error)")
        }
        if let problem = e.problem(catalogue: catalogue) {
            throw ManifestError(file: file.path, field: "exhibition", reason: problem)
        }
        guard world.space(id: e.space) != nil else {
            throw ManifestError(file: file.path, field: "space", reason: "no space '\(e.space)'")
        }
        return e
    }

    /// The missions shipped with the worlds (`worlds/<region>/missions/*.json`), each checked
    /// against the world's spaces and the catalogue.
    static func missions(_ config: ServerConfig, world: World, catalogue: Set<String>) throws -> [Mission] {
        var all: [Mission] = []
        let spaces = Set(world.spaces.map(\.id))
        for dir in config.worldDirectories.map({ $0.appendingPathComponent("missions") })
        where FileManager.default.fileExists(atPath: dir.path) {
            do {
                all += try MissionLoader.load(directory: dir, spaces: spaces, artworks: catalogue)
            } catch let e as MissionLoader.FileError {
                throw ManifestError(file: e.file, field: e.field, reason: e.reason)
            }
        }
        if let twice = Dictionary(grouping: all, by: \.id).first(where: { $0.value.count > 1 }) {
            throw ManifestError(file: "(worlds)", field: "missions", reason: "mission id '\(twice.key)' is used twice")
        }
        return all
    }
}
