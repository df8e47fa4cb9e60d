import ArgumentParser
import Foundation
import Geo
import Synchronization
import WorldModel

/// `bitgoeul import geojson`: building footprints into a space's glTF, records and collision footprints.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import geodata or an artwork catalogue.",
        subcommands: [GeoJSON.self, Artworks.self])

    struct GeoJSON: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "geojson",
            abstract: "Import building footprints (Polygon/MultiPolygon FeatureCollection, WGS84) into a space.")

        @Argument(help: "The GeoJSON file.") var file: String
        @Option(help: "World (region) directory, e.g. worlds/seoul.") var world: String
        @Option(help: "Space name inside the region, e.g. yeouido.") var space: String
        @Option(
            parsing: .unconditional, help: "Anchor LAT,LON[,H]; default: the space's anchor, else the data's centre.")
        var origin: String?
        @Option(help: "Keep buildings whose centroid is within this many metres of the origin.") var radius: Double?
        @Option(help: "outlines or parts: which of OSM's overlapping geometries to draw.") var parts = "outlines"
        @Option(help: "Height (m) when a feature has neither height nor building:levels.") var defaultHeight = 9.6
        @Option(help: "Credit shown with the space.") var attribution = "Buildings © OpenStreetMap contributors (ODbL)"

        func run() throws {
            guard let partsMode = BuildingImporter.Parts(rawValue: parts) else {
                throw ValidationError("--parts is outlines or parts")
            }
            guard (1...1000).contains(defaultHeight) else { throw ValidationError("--default-height is 1...1000 m") }
            if let radius, !(1...50_000).contains(radius) { throw ValidationError("--radius is 1...50000 m") }
            let spaceDir = URL(fileURLWithPath: world).appendingPathComponent("spaces/\(space)")
            let read: (features: [BuildingFeature], skipped: [SkippedFeature])
            do {
                read = try GeoJSONBuildings.read(contentsOf: URL(fileURLWithPath: file))
            } catch let error as GeoJSONBuildings.FileError {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode(1)
            }
            let existing =
                try? JSONSerialization.jsonObject(
                    with: Data(contentsOf: spaceDir.appendingPathComponent("space.json"))) as? [String: Any]
            let anchor =
                try origin.map { try parseGeodetic($0, option: "--origin") } ?? existingAnchor(existing)
                ?? centre(read.features)
            var importer = BuildingImporter(frame: LocalFrame(anchor: anchor))
            importer.radiusM = radius
            importer.parts = partsMode
            importer.defaultHeightM = defaultHeight
            let started = Date()
            var result = importer.run(read.features, progress: ProgressBar(label: "importing").update)
            result.read += read.skipped.count
            result.skipped = read.skipped + result.skipped
            guard !result.records.isEmpty else {
                report(result, seconds: Date().timeIntervalSince(started))
                FileHandle.standardError.write(Data("error: no building could be imported; nothing written\n".utf8))
                throw ExitCode(1)
            }
            try SpaceAssets.write(result, anchor: anchor, to: spaceDir, attribution: attribution)
            try SpaceAssets.ensureManifests(
                world: URL(fileURLWithPath: world), space: space, anchor: anchor, result: result, existing: existing,
                attribution: attribution)
            report(result, seconds: Date().timeIntervalSince(started))
        }

        func existingAnchor(_ space: [String: Any]?) -> GeoAnchor? {
            guard let a = space?["anchor"] as? [String: Any], let lat = a["latitude"] as? Double,
                let lon = a["longitude"] as? Double
            else { return nil }
            return GeoAnchor(latitude: lat, longitude: lon, height: a["height"] as? Double ?? 0)
        }

        func centre(_ features: [BuildingFeature]) -> GeoAnchor {
            var lo = (lon: 180.0, lat: 90.0)
            var hi = (lon: -180.0, lat: -90.0)
            for f in features {
                for p in f.polygons.first?.first ?? [] {
                    lo = (min(lo.lon, p.lon), min(lo.lat, p.lat))
                    hi = (max(hi.lon, p.lon), max(hi.lat, p.lat))
                }
            }
            return GeoAnchor(latitude: (lo.lat + hi.lat) / 2, longitude: (lo.lon + hi.lon) / 2, height: 0)
        }

        func report(_ r: BuildingImporter.Result, seconds: Double) {
            for s in r.skipped.prefix(50) { FileHandle.standardError.write(Data("skipped \(s)\n".utf8)) }
            if r.skipped.count > 50 {
                FileHandle.standardError.write(Data("… and \(r.skipped.count - 50) more skipped\n".utf8))
            }
            let reasons = r.skippedByRule.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                separator: ", ")
            print(
                "read \(r.read) features, imported \(r.records.count) buildings, skipped \(r.skipped.count)"
                    + (reasons.isEmpty ? "" : " (\(reasons))") + String(format: " in %.2f s", seconds))
        }
    }
}

/// A progress bar on standard error: redrawn in place on a terminal (at most once per percent), a
/// line per tenth otherwise. Safe to update from several threads.
final class ProgressBar: Sendable {
    let label: String
    let isTerminal = isatty(2) != 0
    /// The last percent drawn.
    private let shown = Mutex<Int>(-1)

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        guard total > 0 else { return }
        update(fraction: Double(done) / Double(total), text: "\(done)/\(total)")
    }

    @Sendable func update(fraction: Double) { update(fraction: fraction, text: "\(Int(fraction * 100)) %") }

    private func update(fraction: Double, text: String) {
        let percent = Int(fraction * 100)
        let draw = shown.withLock { last -> Bool in
            let step = isTerminal ? percent : percent / 10 * 10
            guard step > last else { return false }
            last = step
            return true
        }
        guard draw else { return }
        if isTerminal {
            let filled = Int(fraction * 30)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(text)\(percent >= 100 ? "\n" : "")".utf8))
        } else {
            FileHandle.standardError.write(Data("\(label) \(text)\n".utf8))
        }
    }
}
