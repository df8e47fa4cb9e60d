import Foundation
import WorldModel

/// An administrative area (gu or dong) that a point lies in.
public struct AdminArea: Codable, Hashable, Sendable {
    public var level: String
    public var code: String
    public var name: LocalizedText
}

/// Administrative boundaries (KOSTAT GeoJSON: name, name_eng, code), for "which gu and dong is this".
///
/// Polygons are tested in longitude/latitude directly: at a city's scale the distortion is far
/// below the boundaries' own ~6 m quantisation.
public struct AdminAreas: Sendable {
    struct Area: Sendable {
        let area: AdminArea
        /// Polygons of rings of (lon, lat) as points; the first ring of each is the outer one.
        let polygons: [[Polygon]]
        let minLon: Double
        let minLat: Double
        let maxLon: Double
        let maxLat: Double
    }

    private var areas: [Area] = []

    public init() {}

    /// Loads every `*.geojson` in `directory`; files named `*_dong_*` are dongs, the rest gu/si/gun.
    public static func load(directory: URL) throws -> AdminAreas {
        var result = AdminAreas()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".geojson") {
            let level = file.contains("_dong_") ? "dong" : "gu"
            try result.add(contentsOf: directory.appendingPathComponent(file), level: level)
        }
        return result
    }

    mutating func add(contentsOf url: URL, level: String) throws {
        let root = try JSONParser.parse(Data(contentsOf: url))
        for feature in root["features"]?.array ?? [] {
            let p = feature["properties"] ?? .null
            // Files overlap (the federation demo repeats Gwangju's gu): the first of a code wins.
            guard let code = p["code"]?.string, let ko = p["name"]?.string, let geometry = feature["geometry"],
                !areas.contains(where: { $0.area.level == level && $0.area.code == code })
            else { continue }
            let coordinates = geometry["coordinates"]?.array ?? []
            let polygonList = geometry["type"]?.string == "Polygon" ? [JSONValue.array(coordinates)] : coordinates
            var polygons: [[Polygon]] = []
            var lo = Point(.infinity, .infinity)
            var hi = Point(-.infinity, -.infinity)
            for polygon in polygonList {
                let rings = (polygon.array ?? []).map { ring in
                    Polygon(
                        (ring.array ?? []).compactMap { pos -> Point? in
                            guard let pair = pos.array, pair.count >= 2, let x = pair[0].number, let y = pair[1].number
                            else { return nil }
                            return Point(x, y)
                        })
                }
                for p in rings.first?.points ?? [] {
                    lo = Point(min(lo.x, p.x), min(lo.y, p.y))
                    hi = Point(max(hi.x, p.x), max(hi.y, p.y))
                }
                polygons.append(rings)
            }
            let name = LocalizedText(ko: ko, en: p["name_eng"]?.string ?? ko)
            areas.append(
                Area(
                    area: AdminArea(level: level, code: code, name: name), polygons: polygons, minLon: lo.x,
                    minLat: lo.y, maxLon: hi.x, maxLat: hi.y))
        }
    }

    /// The areas containing a position, gu before dong.
    public func locate(latitude: Double, longitude: Double) -> [AdminArea] {
        let p = Point(longitude, latitude)
        return areas.filter { a in
            guard longitude >= a.minLon, longitude <= a.maxLon, latitude >= a.minLat, latitude <= a.maxLat else {
                return false
            }
            return a.polygons.contains { rings in
                guard let outer = rings.first, outer.contains(p) else { return false }
                return !rings.dropFirst().contains { $0.contains(p) }
            }
        }.map(\.area).sorted { $0.level == "gu" && $1.level != "gu" }
    }

    public var count: Int { areas.count }
}
