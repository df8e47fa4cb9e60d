import ArgumentParser
import Foundation
import Geo
import Solar
import WorldModel

extension SolarCommand {
    /// `bitgoeul solar roofs`: a year of sun on every roof of a space, written as CSV, GeoJSON, an
    /// SVG picture and `result.json` (what `GET /api/v1/spaces/{region}/{space}/solar` serves).
    struct Roofs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Annual solar irradiation of every roof of a space (shading included).")

        @Option(help: "The world (region) directory, e.g. worlds/seoul.") var world: String
        @Option(help: "The space: seoul/yeouido or yeouido.") var space: String
        @Option(help: "The year to simulate.") var year = 2026
        @Option(help: "Time step: 1h, 30m, 15m …") var step = "1h"
        @Option(help: "Spacing of sample points on roofs, metres.") var spacing = 1.0
        @Option(help: "Sky-view rays per point.") var skyRays = 64
        @Option(help: "Output directory (var/solar/<region>/<space> is what the server serves).") var out: String
        @Option(
            parsing: .unconditional,
            help: "What if: a planned building's footprint, \"e1,n1;e2,n2;…\" in the space's metres.")
        var planFootprint: String?
        @Option(help: "What if: the planned building's height, metres.") var planHeight = 0.0

        func run() async throws {
            let worldURL = URL(fileURLWithPath: world)
            let name = space.split(separator: "/").last.map(String.init) ?? space
            let dir = worldURL.appendingPathComponent("spaces").appendingPathComponent(name)
            let glb = dir.appendingPathComponent("buildings.glb")
            guard FileManager.default.fileExists(atPath: glb.path) else {
                throw ValidationError("\(space) has no buildings (\(glb.path) is missing): import some first")
            }
            let records = try Self.records(dir)
            let config = try Self.solarConfig(dir)
            var settings = SolarAnalysis.Settings(
                latitude: records.anchor.latitude, longitude: records.anchor.longitude,
                linkeTurbidity: config.linkeTurbidity)
            settings.altitude = records.anchor.height
            settings.albedo = config.albedo
            settings.year = year
            settings.stepHours = try Self.hours(step)
            settings.spacingM = spacing
            settings.skyRays = skyRays
            if let problem = settings.problem { throw ValidationError(problem) }

            var scene = try GLBReader.read(glb).map {
                SolarAnalysis.Building(id: $0.id, triangles: $0.mesh.enuTriangles)
            }
            let analysis = try SolarAnalysis(scene: scene, settings: settings)
            FileHandle.standardError.write(
                Data("\(scene.count) buildings, \(analysis.bvh.triangleCount) triangles; \(year), step \(step)\n".utf8))
            let result = try analysis.run(progress: ProgressBar(label: "roofs").update(fraction:))
            let outURL = URL(fileURLWithPath: out)
            try SolarWriter.write(
                result, scene: scene, names: records.names, anchor: records.anchor, settings: settings, step: step,
                credit: records.attribution, generatedAt: Date(), to: outURL)
            print(SolarWriter.summaryLine(result, settings: settings))

            guard let footprint = planFootprint else { return }
            let plan = try Self.planBuilding(footprint, height: planHeight)
            let neighbours = SolarAnalysis.neighbours(of: plan, in: scene, height: planHeight)
            FileHandle.standardError.write(Data("what if: \(neighbours.count) neighbours within reach\n".utf8))
            scene.append(plan)
            let changed = try SolarAnalysis(scene: scene, settings: settings).run(
                only: neighbours, progress: ProgressBar(label: "what if").update(fraction:))
            let (losers, compared) = try SolarWriter.writeWhatIf(
                before: result, after: changed, names: records.names, to: outURL)
            print("what if: \(losers) of \(compared) neighbouring roofs lose irradiation (whatif.csv)")
        }

        static func hours(_ text: String) throws -> Double {
            let t = text.lowercased()
            if t.hasSuffix("h"), let v = Double(t.dropLast()) { return v }
            if t.hasSuffix("m"), let v = Double(t.dropLast()) { return v / 60 }
            throw ValidationError("--step is like 1h, 30m or 15m")
        }

        struct Records {
            var anchor: GeoAnchor
            var names: [String: String]
            var attribution: String
        }

        static func records(_ dir: URL) throws -> Records {
            let url = dir.appendingPathComponent("buildings.json")
            guard let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
                let a = root["anchor"] as? [String: Double], let lat = a["latitude"], let lon = a["longitude"]
            else { throw ValidationError("\(url.path) has no anchor") }
            var names: [String: String] = [:]
            for b in root["buildings"] as? [[String: Any]] ?? [] {
                if let id = b["id"] as? String, let name = b["name"] as? String { names[id] = name }
            }
            return Records(
                anchor: GeoAnchor(latitude: lat, longitude: lon, height: a["height"] ?? 0), names: names,
                attribution: root["attribution"] as? String ?? "")
        }

        static func solarConfig(_ dir: URL) throws -> (linkeTurbidity: [Double], albedo: Double) {
            let url = dir.appendingPathComponent("solar.json")
            guard let data = try? Data(contentsOf: url),
                let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let tl = root["linkeTurbidity"] as? [Double], tl.count == 12
            else {
                throw ValidationError(
                    "\(url.path) with twelve monthly Linke turbidity values is needed (scripts/linke_turbidity.py)")
            }
            return (tl, root["albedo"] as? Double ?? 0.2)
        }

        static func planBuilding(_ text: String, height: Double) throws -> SolarAnalysis.Building {
            let points = text.split(separator: ";").compactMap { pair -> Point? in
                let v = pair.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                return v.count == 2 ? Point(v[0], v[1]) : nil
            }
            guard points.count >= 3, points.count <= 1000 else {
                throw ValidationError("--plan-footprint needs 3 to 1000 points \"e,n;e,n;…\"")
            }
            guard height > 0, height <= 1000 else { throw ValidationError("--plan-height must be 0 to 1000 m") }
            let clean: RingCleaner.CleanPolygon
            do {
                clean = try RingCleaner.clean(outer: points, holes: [])
            } catch {
                throw ValidationError("--plan-footprint is not a simple polygon: \(error)")
            }
            let mesh = try Extruder.prism(clean, base: 0, top: height)
            return SolarAnalysis.Building(id: "planned", triangles: mesh.enuTriangles)
        }
    }
}
