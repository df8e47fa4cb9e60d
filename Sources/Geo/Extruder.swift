import WorldModel

/// A triangle mesh in glTF's frame: metres, +Y up, +X east, −Z north.
public struct Mesh: Sendable {
    /// x, y, z per vertex.
    public var positions: [Float] = []
    /// Unit normal per vertex.
    public var normals: [Float] = []
    /// Three per triangle, counter-clockwise seen from outside.
    public var indices: [UInt32] = []

    public init() {}

    public var vertexCount: Int { positions.count / 3 }
    public var triangleCount: Int { indices.count / 3 }

    /// Appends a vertex given in ENU (east, north, up) with its ENU normal.
    @inline(__always)
    mutating func vertex(e: Double, n: Double, u: Double, normal: (Double, Double, Double)) -> UInt32 {
        let index = UInt32(positions.count / 3)
        positions += [Float(e), Float(u), Float(-n)]
        normals += [Float(normal.0), Float(normal.2), Float(-normal.1)]
        return index
    }
}

/// Turns a clean footprint into a closed prism: roof, floor and walls with outward normals.
///
/// Faces are flat-shaded (each face has its own vertices), and roof, floor and walls use exactly
/// the same corner positions, so the solid is watertight once equal positions are merged.
public enum Extruder {
    public static func prism(_ polygon: RingCleaner.CleanPolygon, base: Double, top: Double) throws(Triangulator
        .Failure)
        -> Mesh
    {
        precondition(top > base, "a prism needs top above base")
        let roof = try Triangulator.triangulate(outer: polygon.outer, holes: polygon.holes)
        let corners = polygon.outer + polygon.holes.flatMap { $0 }
        var mesh = Mesh()
        // Roof (up) and floor (down, reversed winding).
        let roofStart = UInt32(mesh.vertexCount)
        for p in corners { _ = mesh.vertex(e: p.x, n: p.y, u: top, normal: (0, 0, 1)) }
        let floorStart = UInt32(mesh.vertexCount)
        for p in corners { _ = mesh.vertex(e: p.x, n: p.y, u: base, normal: (0, 0, -1)) }
        for t in stride(from: 0, to: roof.count, by: 3) {
            mesh.indices += [roofStart + roof[t], roofStart + roof[t + 1], roofStart + roof[t + 2]]
            mesh.indices += [floorStart + roof[t], floorStart + roof[t + 2], floorStart + roof[t + 1]]
        }
        // Walls: the outer ring runs counter-clockwise and holes clockwise, so the right-hand side
        // of every edge faces out of the solid.
        for ring in [polygon.outer] + polygon.holes {
            for i in ring.indices {
                let a = ring[i]
                let b = ring[(i + 1) % ring.count]
                let d = b - a
                let length = d.length
                let normal = (d.y / length, -d.x / length, 0.0)
                let ab = mesh.vertex(e: a.x, n: a.y, u: base, normal: normal)
                let bb = mesh.vertex(e: b.x, n: b.y, u: base, normal: normal)
                let bt = mesh.vertex(e: b.x, n: b.y, u: top, normal: normal)
                let at = mesh.vertex(e: a.x, n: a.y, u: top, normal: normal)
                mesh.indices += [ab, bb, bt, ab, bt, at]
            }
        }
        return mesh
    }
}
