import Foundation
import WorldModel

/// Measures a whole import on synthetic footprints: parse GeoJSON, project, clean, triangulate,
/// extrude, and write the GLB, records and footprints.
public struct ImportBenchmark {
    public struct Result: Codable, Sendable {
        public var buildings: Int
        public var buildings_per_s: Double
        public var seconds: Double
        public var parse_s: Double
        public var build_s: Double
        public var write_s: Double
        public var glb_bytes: Int
    }

    public var buildings: Int
    public var seed: UInt64 = 3

    public init(buildings: Int) { self.buildings = buildings }

    /// A FeatureCollection of `buildings` footprints around Gwangju: rectangles, L-shapes and
    /// courtyard blocks (one in five has a hole), 10 to 100 m tall.
    public func makeGeoJSON() -> Data {
        var rng = SplitMix64(seed: seed)
        let side = Int(Double(buildings).squareRoot().rounded(.up))
        let metreLat = 1 / 111_000.0
        let metreLon = 1 / 91_000.0
        var out = #"{"type":"FeatureCollection","features":["#
        out.reserveCapacity(buildings * 400)
        for i in 0..<buildings {
            let x0 = Double(i % side) * 40
            let y0 = Double(i / side) * 40
            let w = Double.random(in: 12...30, using: &rng)
            let d = Double.random(in: 12...30, using: &rng)
            var rings: [[(Double, Double)]]
            switch i % 5 {
            case 0:
                rings = [
                    [(0, 0), (w, 0), (w, d), (0, d)],
                    [(w * 0.3, d * 0.3), (w * 0.3, d * 0.7), (w * 0.7, d * 0.7), (w * 0.7, d * 0.3)],
                ]
            case 1, 2:
                rings = [[(0, 0), (w, 0), (w, d * 0.4), (w * 0.4, d * 0.4), (w * 0.4, d), (0, d)]]
            default:
                rings = [[(0, 0), (w, 0), (w, d), (0, d)]]
            }
            let coordinates = rings.map { ring in
                (ring + [ring[0]]).map { p in
                    "[\(126.85 + (x0 + p.0) * metreLon),\(35.10 + (y0 + p.1) * metreLat)]"
                }.joined(separator: ",")
            }.map { "[\($0)]" }.joined(separator: ",")
            if i > 0 { out += "," }
            let height = Int.random(in: 10...100, using: &rng)
            out +=
                #"{"type":"Feature","properties":{"building":"yes","height":"\#(height)","osm_type":"way","osm_id":\#(i)},"#
            out += #""geometry":{"type":"Polygon","coordinates":[\#(coordinates)]}}"#
        }
        out += "]}"
        return Data(out.utf8)
    }

    public func run(directory: URL) throws -> Result {
        let data = makeGeoJSON()
        let start = Date()
        let parsed = try GeoJSONBuildings.parse(data)
        let parsedAt = Date()
        let anchor = GeoAnchor(latitude: 35.10, longitude: 126.85, height: 30)
        let result = BuildingImporter(frame: LocalFrame(anchor: anchor)).run(parsed.features)
        let builtAt = Date()
        try SpaceAssets.write(result, anchor: anchor, to: directory, attribution: "synthetic")
        let end = Date()
        let seconds = end.timeIntervalSince(start)
        let glb =
            (try? FileManager.default.attributesOfItem(
                atPath: directory.appendingPathComponent(SpaceAssets.glbName).path)[.size] as? Int) ?? 0
        return Result(
            buildings: result.records.count, buildings_per_s: Double(result.records.count) / seconds, seconds: seconds,
            parse_s: parsedAt.timeIntervalSince(start), build_s: builtAt.timeIntervalSince(parsedAt),
            write_s: end.timeIntervalSince(builtAt), glb_bytes: glb)
    }
}
