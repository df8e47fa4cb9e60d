import Foundation
import Geo
import WorldModel

/// The buildings of a space as a plan sees them: each with its id, its triangles (for the sun) and
/// its footprint rings (for walkers), in the space's east-north-up metres.
public struct SpaceBuildings: Sendable {
    public struct Building: Sendable {
        public var id: String
        public var name: String?
        public var triangles: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)]
        public var footprints: [Polygon]

        public init(
            id: String, name: String? = nil, triangles: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)],
            footprints: [Polygon]
        ) {
            self.id = id
            self.name = name
            self.triangles = triangles
            self.footprints = footprints
        }
    }

    public var buildings: [Building]
    /// Obstacles of the space that belong to no imported building (schematic walls), kept as they are.
    public var otherObstacles: [Polygon]

    public init(buildings: [Building], otherObstacles: [Polygon]) {
        self.buildings = buildings
        self.otherObstacles = otherObstacles
    }

    /// A space with no imported buildings: its obstacles stay, nothing can be removed.
    public init(space: Space) {
        self.init(buildings: [], otherObstacles: space.obstacles)
    }

    /// Reads `buildings.glb` (ids, triangles) and `buildings.json` (names) from the space's folder,
    /// and gives each of the space's footprints to the building whose mesh has its first corner.
    /// A space without `buildings.glb` has only `otherObstacles`.
    public static func load(space: Space, folder: URL) throws -> SpaceBuildings {
        let glb = folder.appendingPathComponent(SpaceAssets.glbName)
        guard FileManager.default.fileExists(atPath: glb.path) else { return SpaceBuildings(space: space) }
        let items = try GLBReader.read(glb)
        var names: [String: String] = [:]
        if let data = try? Data(contentsOf: folder.appendingPathComponent(SpaceAssets.recordsName)),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let records = root["buildings"] as? [[String: Any]]
        {
            for r in records { if let id = r["id"] as? String, let name = r["name"] as? String { names[id] = name } }
        }
        var buildings = items.map {
            Building(id: $0.id, name: names[$0.id], triangles: $0.mesh.enuTriangles, footprints: [])
        }
        // Corners on a 5 cm grid → the building whose mesh has them.
        var owner: [SIMD2<Int>: Int] = [:]
        func key(_ x: Double, _ y: Double) -> SIMD2<Int> { SIMD2(Int((x * 20).rounded()), Int((y * 20).rounded())) }
        for (b, building) in buildings.enumerated() {
            for t in building.triangles {
                for c in [t.0, t.1, t.2] { owner[key(c.x, c.y)] = b }
            }
        }
        var others: [Polygon] = []
        // Neighbours share corners: the building that has most of the ring's corners owns it.
        for polygon in space.obstacles {
            var votes: [Int: Int] = [:]
            for p in polygon.points { if let b = owner[key(p.x, p.y)] { votes[b, default: 0] += 1 } }
            if let (b, n) = votes.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }), 2 * n > polygon.points.count {
                buildings[b].footprints.append(polygon)
            } else {
                others.append(polygon)
            }
        }
        return SpaceBuildings(buildings: buildings, otherObstacles: others)
    }

    public var ids: Set<String> { Set(buildings.map(\.id)) }
}
