import DurableFiles
import Foundation
import WorldModel

/// Writes an import's outputs into `worlds/W/spaces/S/`, each via a temporary file and a rename,
/// so an interrupted import never leaves a half-written world.
public enum SpaceAssets {
    public static let glbName = "buildings.glb"
    public static let recordsName = "buildings.json"
    public static let footprintsName = "footprints.json"

    public static func write(
        _ result: BuildingImporter.Result, anchor: GeoAnchor, to dir: URL, attribution: String
    ) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let items = zip(result.records, result.meshes).map { record, mesh in
            GLBWriter.Item(id: record.id, mesh: mesh, height: record.height)
        }
        try GLBWriter(copyright: attribution).write(items, to: dir.appendingPathComponent(glbName))
        try AtomicFile.write(
            Data(recordsJSON(result.records, anchor: anchor, attribution: attribution).utf8),
            to: dir.appendingPathComponent(recordsName))
        try AtomicFile.write(
            Data(footprintsJSON(result.footprints).utf8), to: dir.appendingPathComponent(footprintsName))
    }

    // The two JSON files are written by hand: JSONEncoder takes seconds for a city's worth of rings.

    /// `buildings.json`: the anchor, the credit, and one record per building.
    static func recordsJSON(_ records: [BuildingImporter.Record], anchor: GeoAnchor, attribution: String) -> String {
        var out =
            #"{"anchor":{"height":\#(anchor.height),"latitude":\#(anchor.latitude),"longitude":\#(anchor.longitude)},"#
        out += #""attribution":\#(jsonString(attribution)),"buildings":["#
        out.reserveCapacity(records.count * 260)
        for (i, r) in records.enumerated() {
            if i > 0 { out += "," }
            out += #"{"base":\#(r.base),"centroid":{"e":\#(mm(r.centroid.e)),"n":\#(mm(r.centroid.n)),"u":0},"#
            out += #""centroidWGS84":{"height":\#(mm(r.centroidWGS84.height)),"latitude":\#(r.centroidWGS84.latitude),"#
            out += #""longitude":\#(r.centroidWGS84.longitude)},"footprintArea":\#(mm(r.footprintArea)),"#
            out += #""height":\#(r.height),"id":\#(jsonString(r.id)),"#
            if let name = r.name { out += #""name":\#(jsonString(name)),"# }
            out += #""triangles":\#(r.triangles)}"#
        }
        return out + "]}"
    }

    /// `footprints.json`: outer rings in the space's frame, [[x, y], …] per building, to the millimetre.
    static func footprintsJSON(_ footprints: [Polygon]) -> String {
        var out = "["
        out.reserveCapacity(footprints.count * 200)
        for (i, polygon) in footprints.enumerated() {
            out += i == 0 ? "[" : ",["
            for (k, p) in polygon.points.enumerated() {
                out += k == 0 ? "[" : ",["
                out += "\(mm(p.x)),\(mm(p.y))]"
            }
            out += "]"
        }
        return out + "]"
    }

    static func mm(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

    /// Creates `region.json` and `space.json` when missing, so the imported space is servable.
    public static func ensureManifests(
        world: URL, space: String, anchor: GeoAnchor, result: BuildingImporter.Result, existing: [String: Any]?,
        attribution: String
    ) throws {
        let regionURL = world.appendingPathComponent("region.json")
        var region =
            (try? JSONSerialization.jsonObject(with: Data(contentsOf: regionURL)) as? [String: Any]) ?? [
                "format": 1, "id": world.lastPathComponent,
                "name": ["ko": world.lastPathComponent, "en": world.lastPathComponent], "spaces": [String](),
            ]
        var spaces = region["spaces"] as? [String] ?? []
        if !spaces.contains(space) {
            spaces.append(space)
            region["spaces"] = spaces
            try AtomicFile.write(pretty(region), to: regionURL)
        }
        guard existing == nil else { return }
        let margin = 40.0
        let bounds: [String: Double] = [
            "minX": (result.minE - margin).rounded(.down), "minY": (result.minN - margin).rounded(.down),
            "maxX": (result.maxE + margin).rounded(.up), "maxY": (result.maxN + margin).rounded(.up), "minZ": 0,
            "maxZ": 20,
        ]
        let spawn = freeSpot(near: Point(0, 0), footprints: result.footprints)
        let manifest: [String: Any] = [
            "id": space, "name": ["ko": space, "en": space], "kind": "outdoor",
            "anchor": ["latitude": anchor.latitude, "longitude": anchor.longitude, "height": anchor.height],
            "bounds": bounds, "spawns": [["position": [spawn.x, spawn.y]]], "obstacles": [[[Double]]](),
            "portals": [[String: Any]](), "capacity": 2000, "allowGuests": true, "attribution": attribution,
        ]
        try AtomicFile.write(pretty(manifest), to: world.appendingPathComponent("spaces/\(space)/space.json"))
    }

    /// The nearest point to `centre` on a 5 m grid that is at least 3 m from every footprint.
    static func freeSpot(near centre: Point, footprints: [Polygon]) -> Point {
        for ring in 0..<200 {
            let r = Double(ring) * 5
            for k in 0..<max(1, ring * 8) {
                let a = Double(k) / Double(max(1, ring * 8)) * 2 * .pi
                let p = Point(centre.x + r * cos(a), centre.y + r * sin(a))
                if footprints.allSatisfy({ !$0.contains(p) && $0.distanceToEdges(p) >= 3 }) { return p }
            }
        }
        return centre
    }

    static func pretty(_ object: Any) throws -> Data {
        try JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}
