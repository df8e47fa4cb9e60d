import Foundation
import Testing
import WorldModel

@testable import Geo

/// Prisms are closed, face outwards and hold area × height; GLB files parse back.
@Suite struct ExtruderTests {
    /// Every edge of the merged-position mesh is used by exactly two triangles, in opposite directions.
    func isWatertight(_ m: Mesh) -> Bool {
        var ids: [String: Int] = [:]
        func key(_ v: UInt32) -> Int {
            let i = Int(v) * 3
            let k = "\(m.positions[i]),\(m.positions[i + 1]),\(m.positions[i + 2])"
            if let id = ids[k] { return id }
            ids[k] = ids.count
            return ids.count - 1
        }
        var edges: [Int: Int] = [:]
        for t in stride(from: 0, to: m.indices.count, by: 3) {
            let a = key(m.indices[t])
            let b = key(m.indices[t + 1])
            let c = key(m.indices[t + 2])
            for (p, q) in [(a, b), (b, c), (c, a)] { edges[p * 1_000_003 + q, default: 0] += 1 }
        }
        return edges.allSatisfy { key, count in
            let p = key / 1_000_003
            let q = key % 1_000_003
            return count == 1 && edges[q * 1_000_003 + p] == 1
        }
    }

    /// Signed volume by the divergence theorem (positive when faces point out).
    func volume(_ m: Mesh) -> Double {
        var v = 0.0
        for t in stride(from: 0, to: m.indices.count, by: 3) {
            let p = (0..<3).map { k -> SIMD3<Double> in
                let i = Int(m.indices[t + k]) * 3
                return SIMD3(Double(m.positions[i]), Double(m.positions[i + 1]), Double(m.positions[i + 2]))
            }
            let c = SIMD3(
                p[1].y * p[2].z - p[1].z * p[2].y, p[1].z * p[2].x - p[1].x * p[2].z, p[1].x * p[2].y - p[1].y * p[2].x)
            v += (p[0] * c).sum() / 6
        }
        return v
    }

    @Test func anLShapedBuildingIsAClosedOutwardSolid() throws {
        let l = try RingCleaner.clean(outer: [
            Point(0, 0), Point(10, 0), Point(10, 3), Point(3, 3), Point(3, 10), Point(0, 10),
        ])
        let mesh = try Extruder.prism(l, base: 0, top: 12)
        #expect(isWatertight(mesh))
        #expect(abs(volume(mesh) - l.area * 12) < 1e-6 * l.area * 12)
        // Up is +Y in glTF: the roof's normals point up.
        #expect(mesh.normals[1] == 1)
    }

    @Test func aCourtyardBuildingAndCollinearPointsStayWatertight() throws {
        let outer = [Point(0, 0), Point(5, 0), Point(10, 0), Point(10, 10), Point(0, 10)]
        let hole = [Point(3, 3), Point(7, 3), Point(7, 7), Point(3, 7)]
        let clean = try RingCleaner.clean(outer: outer, holes: [hole])
        let mesh = try Extruder.prism(clean, base: 2, top: 30)
        #expect(isWatertight(mesh))
        #expect(abs(volume(mesh) - 84 * 28) < 1e-3)
    }

    @Test func glbHasAValidHeaderAndOneNodePerBuilding() throws {
        let a = try Extruder.prism(
            RingCleaner.clean(outer: [Point(0, 0), Point(5, 0), Point(5, 5), Point(0, 5)]), base: 0, top: 10)
        let b = try Extruder.prism(
            RingCleaner.clean(outer: [Point(10, 0), Point(15, 0), Point(12, 4)]), base: 0, top: 5)
        let data = try GLBWriter(copyright: "test").encode([.init(id: "way/1", mesh: a), .init(id: "way/2", mesh: b)])
        func u32(_ at: Int) -> UInt32 { data[at..<at + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }
        #expect(u32(0) == 0x4654_6C67)
        #expect(u32(4) == 2)
        #expect(Int(u32(8)) == data.count)
        let jsonLength = Int(u32(12))
        let json = try #require(try JSONSerialization.jsonObject(with: data[20..<20 + jsonLength]) as? [String: Any])
        let nodes = try #require(json["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["name"] as? String } == ["way/1", "way/2"])
        #expect((json["accessors"] as? [Any])?.count == 6)
        #expect(data.count % 4 == 0)
    }
}
