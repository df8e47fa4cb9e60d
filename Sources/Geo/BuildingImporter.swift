import Dispatch
import Foundation
import WorldModel

/// Turns building features into a space's assets: a GLB for the eye, footprints for collision.
///
/// Positions are projected exactly into the space's ENU frame (e, n); buildings stand on the
/// frame's ground plane (u = 0), which is how the server and the crowd model see them.
public struct BuildingImporter: Sendable {
    /// Which of OSM's overlapping geometries to draw: whole outlines or `building:part` pieces.
    public enum Parts: String, Sendable, CaseIterable {
        case outlines
        case parts
    }

    /// One imported building as listed in `buildings.json`.
    public struct Record: Codable, Sendable {
        public var id: String
        public var name: String?
        public var height: Double
        public var base: Double
        public var footprintArea: Double
        public var centroid: ENU
        public var centroidWGS84: GeoAnchor
        public var triangles: Int
    }

    /// What an import did: counts, the records, and every skipped feature with its reason.
    public struct Result: Sendable {
        public var read = 0
        public var records: [Record] = []
        public var meshes: [Mesh] = []
        public var footprints: [Polygon] = []
        public var skipped: [SkippedFeature] = []
        /// Bounds of all footprints in the frame (metres).
        public var minE = Double.infinity
        public var minN = Double.infinity
        public var maxE = -Double.infinity
        public var maxN = -Double.infinity

        public var skippedByRule: [String: Int] {
            skipped.reduce(into: [:]) { $0[$1.rule, default: 0] += 1 }
        }
    }

    public var frame: LocalFrame
    public var radiusM: Double?
    public var parts: Parts = .outlines
    public var defaultHeightM = 9.6
    public var levelHeightM = 3.2

    public init(frame: LocalFrame) {
        self.frame = frame
    }

    /// Features per work unit; units run two at a time (this machine has two cores).
    static let chunkSize = 4096

    public func run(_ features: [BuildingFeature], progress: ((Int, Int) -> Void)? = nil) -> Result {
        let partCentroids = parts == .parts ? features.filter(\.isPart).compactMap { centroidLonLat($0) } : []
        let chunks = stride(from: 0, to: features.count, by: Self.chunkSize).map {
            $0..<min(features.count, $0 + Self.chunkSize)
        }
        var results = [Result](repeating: Result(), count: chunks.count)
        progress?(0, features.count)
        var next = 0
        while next < chunks.count {
            let batch = next..<min(chunks.count, next + 2)
            results.withUnsafeMutableBufferPointer { buffer in
                let shared = ChunkResults(buffer: buffer)
                DispatchQueue.concurrentPerform(iterations: batch.count) { k in
                    let c = batch.lowerBound + k
                    shared.buffer[c] = importChunk(features[chunks[c]], partCentroids: partCentroids)
                }
            }
            next = batch.upperBound
            progress?(chunks[next - 1].upperBound, features.count)
        }
        var result = Result()
        result.read = features.count
        for r in results {
            result.records += r.records
            result.meshes += r.meshes
            result.footprints += r.footprints
            result.skipped += r.skipped
            result.minE = min(result.minE, r.minE)
            result.minN = min(result.minN, r.minN)
            result.maxE = max(result.maxE, r.maxE)
            result.maxN = max(result.maxN, r.maxN)
        }
        return result
    }

    private func importChunk(_ features: ArraySlice<BuildingFeature>, partCentroids: [(Double, Double)]) -> Result {
        var result = Result()
        for feature in features {
            do {
                try importOne(feature, partCentroids: partCentroids, into: &result)
            } catch let skip as SkipReason {
                result.skipped.append(
                    SkippedFeature(index: feature.index, id: feature.id, rule: skip.rule, detail: skip.detail))
            } catch {
                result.skipped.append(
                    SkippedFeature(index: feature.index, id: feature.id, rule: "invalid", detail: "\(error)"))
            }
        }
        return result
    }

    struct SkipReason: Error {
        let rule: String
        let detail: String
    }

    private func importOne(_ f: BuildingFeature, partCentroids: [(Double, Double)], into result: inout Result) throws {
        switch parts {
        case .outlines where f.isPart:
            throw SkipReason(rule: "building_part", detail: "a building:part; drawing outlines (--parts outlines)")
        case .parts where !f.isPart:
            if partCentroids.contains(where: { c in contains(f, lon: c.0, lat: c.1) }) {
                throw SkipReason(rule: "has_parts", detail: "an outline whose parts are drawn (--parts parts)")
            }
        default:
            break
        }
        let top = f.heightM ?? f.levels.map { $0 * levelHeightM } ?? defaultHeightM
        let base = f.minHeightM ?? f.minLevel.map { $0 * levelHeightM } ?? 0
        guard top > base else {
            throw SkipReason(rule: "height_below_base", detail: "height \(top) m is not above its base \(base) m")
        }
        var mesh = Mesh()
        var area = 0.0
        var weighted = Point(0, 0)
        var outlines: [Polygon] = []
        for polygon in f.polygons {
            let rings = polygon.map { ring in
                ring.map { p -> Point in
                    let enu = frame.enu(GeoAnchor(latitude: p.lat, longitude: p.lon, height: frame.anchor.height))
                    return Point(enu.e, enu.n)
                }
            }
            let clean: RingCleaner.CleanPolygon
            do {
                clean = try RingCleaner.clean(outer: rings[0], holes: Array(rings.dropFirst()))
            } catch {
                throw SkipReason(rule: error.rule, detail: error.detail)
            }
            let prism: Mesh
            do {
                prism = try Extruder.prism(clean, base: base, top: top)
            } catch {
                throw SkipReason(rule: "triangulation_failed", detail: error.reason)
            }
            append(prism, to: &mesh)
            let a = clean.area
            area += a
            weighted = weighted + polygonCentroid(clean.outer) * a
            outlines.append(Polygon(clean.outer))
        }
        let centroid = weighted * (1 / area)
        if let radiusM, centroid.length > radiusM {
            throw SkipReason(rule: "outside_radius", detail: "centroid \(Int(centroid.length)) m from the origin")
        }
        for o in outlines {
            for p in o.points {
                result.minE = min(result.minE, p.x)
                result.maxE = max(result.maxE, p.x)
                result.minN = min(result.minN, p.y)
                result.maxN = max(result.maxN, p.y)
            }
        }
        result.footprints += outlines
        result.meshes.append(mesh)
        result.records.append(
            Record(
                id: f.id, name: f.name, height: top, base: base, footprintArea: area,
                centroid: ENU(e: centroid.x, n: centroid.y, u: 0),
                centroidWGS84: frame.geodetic(ENU(e: centroid.x, n: centroid.y, u: 0)), triangles: mesh.triangleCount))
    }

    private func append(_ m: Mesh, to mesh: inout Mesh) {
        let offset = UInt32(mesh.vertexCount)
        mesh.positions += m.positions
        mesh.normals += m.normals
        mesh.indices += m.indices.map { $0 + offset }
    }

    /// Centroid of a ring's area.
    func polygonCentroid(_ ring: [Point]) -> Point {
        var cx = 0.0
        var cy = 0.0
        var a2 = 0.0
        for i in ring.indices {
            let p = ring[i]
            let q = ring[(i + 1) % ring.count]
            let c = p.x * q.y - q.x * p.y
            a2 += c
            cx += (p.x + q.x) * c
            cy += (p.y + q.y) * c
        }
        return a2 == 0 ? ring[0] : Point(cx / (3 * a2), cy / (3 * a2))
    }

    private func centroidLonLat(_ f: BuildingFeature) -> (Double, Double)? {
        guard let ring = f.polygons.first?.first, !ring.isEmpty else { return nil }
        let n = Double(ring.count - 1 > 0 ? ring.count - 1 : 1)
        let lon = ring.dropLast().reduce(0) { $0 + $1.lon } / n
        let lat = ring.dropLast().reduce(0) { $0 + $1.lat } / n
        return (lon, lat)
    }

    private func contains(_ f: BuildingFeature, lon: Double, lat: Double) -> Bool {
        f.polygons.contains { polygon in
            guard let outer = polygon.first else { return false }
            return Polygon(outer.map { Point($0.lon, $0.lat) }).contains(Point(lon, lat))
        }
    }
}

/// The per-chunk results two workers fill; sound because each worker writes only its own slot.
private struct ChunkResults: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<BuildingImporter.Result>
}
