import Foundation
import WorldModel

/// Building footprints read from a GeoJSON FeatureCollection (WGS84), before projection.
public struct BuildingFeature: Sendable {
    public var index: Int
    public var id: String
    public var name: String?
    /// Polygons as rings of (longitude, latitude); the first ring of each is the outer one.
    public var polygons: [[[(lon: Double, lat: Double)]]]
    public var heightM: Double?
    public var levels: Double?
    public var minHeightM: Double?
    public var minLevel: Double?
    public var isPart: Bool
}

/// A feature that will not be imported: which one, which rule, and why.
public struct SkippedFeature: Sendable, CustomStringConvertible {
    public var index: Int
    public var id: String
    public var rule: String
    public var detail: String
    public var description: String { "feature \(index) (\(id)): \(rule): \(detail)" }
}

/// Reads GeoJSON building footprints; whole-file problems throw, per-feature problems are reported.
public enum GeoJSONBuildings {
    /// A whole-file error: nothing is imported.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static let fileBytesMax = 512 * 1024 * 1024
    public static let featuresMax = 2_000_000

    public static func read(contentsOf url: URL) throws -> (features: [BuildingFeature], skipped: [SkippedFeature]) {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
        guard let size else { throw FileError(message: "\(url.path): cannot be read") }
        guard size <= fileBytesMax else {
            throw FileError(
                message:
                    "\(url.path): \(size) bytes is over the \(fileBytesMax / 1024 / 1024) MiB limit; split the file")
        }
        return try parse(Data(contentsOf: url), name: url.path)
    }

    public static func parse(_ data: Data, name: String = "input") throws -> (
        features: [BuildingFeature], skipped: [SkippedFeature]
    ) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(data)
        } catch {
            throw FileError(message: "\(name): not JSON (\(error))")
        }
        guard root["type"]?.string == "FeatureCollection", let features = root["features"]?.array else {
            throw FileError(message: "\(name): not a GeoJSON FeatureCollection (type and features are required)")
        }
        guard features.count <= featuresMax else {
            throw FileError(message: "\(name): over \(featuresMax) features")
        }
        var out: [BuildingFeature] = []
        var skipped: [SkippedFeature] = []
        out.reserveCapacity(features.count)
        for (index, feature) in features.enumerated() {
            let properties = feature["properties"] ?? .null
            let id = identifier(feature, properties, index)
            do {
                out.append(try building(feature, properties, index: index, id: id))
            } catch let error as SkipError {
                skipped.append(SkippedFeature(index: index, id: id, rule: error.rule, detail: error.detail))
            }
        }
        return (out, skipped)
    }

    struct SkipError: Error {
        let rule: String
        let detail: String
    }

    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s): s
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        default: nil
        }
    }

    static func identifier(_ feature: JSONValue, _ p: JSONValue, _ index: Int) -> String {
        if let type = p["osm_type"]?.string, let osm = text(p["osm_id"]) { return "\(type)/\(osm)" }
        if let id = text(feature["id"]) {
            // osmium's area ids ("a" + 2 × way id, or 2 × relation id + 1) back to OSM's own.
            if id.hasPrefix("a"), let n = Int64(id.dropFirst()), n >= 0 {
                return n % 2 == 0 ? "way/\(n / 2)" : "relation/\((n - 1) / 2)"
            }
            return id
        }
        if let id = p["@id"]?.string { return id }
        return "feature-\(index)"
    }

    static func building(_ feature: JSONValue, _ p: JSONValue, index: Int, id: String) throws -> BuildingFeature {
        guard feature["type"]?.string == "Feature", let geometry = feature["geometry"], !geometry.isNull else {
            throw SkipError(rule: "not_a_feature", detail: "a Feature with a geometry is required")
        }
        let type = geometry["type"]?.string ?? "(none)"
        let polygons: [JSONValue]
        switch type {
        case "Polygon":
            guard let rings = geometry["coordinates"], rings.array != nil else {
                throw SkipError(rule: "invalid_geometry", detail: "Polygon coordinates must be an array of rings")
            }
            polygons = [rings]
        case "MultiPolygon":
            guard let list = geometry["coordinates"]?.array else {
                throw SkipError(
                    rule: "invalid_geometry", detail: "MultiPolygon coordinates must be an array of polygons")
            }
            polygons = list
        default:
            throw SkipError(rule: "unsupported_geometry", detail: "\(type) is not a Polygon or MultiPolygon")
        }
        var parsed: [[[(lon: Double, lat: Double)]]] = []
        for (pi, polygon) in polygons.enumerated() {
            guard let rings = polygon.array, !rings.isEmpty else {
                throw SkipError(rule: "invalid_geometry", detail: "polygon \(pi) has no rings")
            }
            var parsedRings: [[(lon: Double, lat: Double)]] = []
            for (ri, ring) in rings.enumerated() {
                guard let positions = ring.array else {
                    throw SkipError(rule: "invalid_geometry", detail: "polygon \(pi) ring \(ri) is not an array")
                }
                guard positions.count >= 4 else {
                    throw SkipError(
                        rule: "ring_too_short",
                        detail: "polygon \(pi) ring \(ri) has \(positions.count) positions; at least 4 are required")
                }
                var out: [(lon: Double, lat: Double)] = []
                out.reserveCapacity(positions.count)
                for position in positions {
                    guard case .array(let pair) = position, pair.count >= 2, let lon = pair[0].number,
                        let lat = pair[1].number, lon.isFinite, lat.isFinite, (-180...180).contains(lon),
                        (-90...90).contains(lat)
                    else {
                        throw SkipError(
                            rule: "invalid_coordinate",
                            detail: "polygon \(pi) ring \(ri) has a position that is not [lon, lat] within range")
                    }
                    out.append((lon, lat))
                }
                parsedRings.append(out)
            }
            parsed.append(parsedRings)
        }
        let isPart = p["building:part"] != nil && p["building"] == nil
        return BuildingFeature(
            index: index, id: id, name: p["name"]?.string, polygons: parsed, heightM: metres(p["height"]),
            levels: metres(p["building:levels"]), minHeightM: metres(p["min_height"]),
            minLevel: metres(p["building:min_level"]), isPart: isPart)
    }

    /// "25", "25.5 m", "25m" or a number → metres; nil when missing or not a sane value.
    static func metres(_ value: JSONValue?) -> Double? {
        var result: Double?
        if let n = value?.number {
            result = n
        } else if let s = value?.string {
            let trimmed = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
            let digits =
                trimmed.hasSuffix("m") ? String(trimmed.dropLast()).trimmingCharacters(in: .whitespaces) : trimmed
            result = Double(digits)
        }
        guard let r = result, r.isFinite, r >= 0, r < 1000 else { return nil }
        return r
    }
}
