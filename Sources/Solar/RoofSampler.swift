/// Sample points on roof faces: every upward-facing triangle (tilted up to 60°) gets the points of
/// a world-aligned grid that fall inside it, and a triangle too small to catch one gets its centroid.
public struct RoofPoint: Sendable, Hashable {
    /// Index of the building in the scene.
    public var building: Int32
    /// East, north, up in metres (on the roof, not offset).
    public var position: SIMD3<Double>
    /// Unit normal of the roof face.
    public var normal: SIMD3<Double>
    /// Roof area this point stands for, m².
    public var area: Double
}

public enum RoofSampler {
    /// Faces whose normal has at least this upward component are roofs (60° tilt or less).
    public static let roofNormalMinZ = 0.5
    /// Points per building at most (bounds memory on a huge roof).
    public static let pointsPerBuildingMax = 2_000_000

    public static func sample(
        _ triangles: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)], building: Int32, spacingM s: Double
    ) -> (points: [RoofPoint], roofArea: Double) {
        var points: [RoofPoint] = []
        var roofArea = 0.0
        // A grid point on an edge shared by two faces is taken once.
        var taken = Set<SIMD2<Int64>>()
        for (a, b, c) in triangles {
            let cross = cross3(b - a, c - a)
            let doubleArea = (cross * cross).sum().squareRoot()
            guard doubleArea > 1e-9 else { continue }
            let n = cross / doubleArea
            guard n.z >= roofNormalMinZ else { continue }
            roofArea += doubleArea / 2
            let pointArea = s * s / n.z
            let lo = pointwiseMin(pointwiseMin(a, b), c)
            let hi = pointwiseMax(pointwiseMax(a, b), c)
            let before = points.count
            // Grid points at (i + ½)·s, so neighbouring faces never share a point.
            var y = ((lo.y / s).rounded(.down) + 0.5) * s
            while y <= hi.y {
                var x = ((lo.x / s).rounded(.down) + 0.5) * s
                while x <= hi.x {
                    if inside(x, y, a, b, c), points.count < pointsPerBuildingMax,
                        taken.insert(SIMD2(Int64((x / s).rounded(.down)), Int64((y / s).rounded(.down)))).inserted
                    {
                        // Height on the face's plane: n·(p − a) = 0.
                        let z = a.z - (n.x * (x - a.x) + n.y * (y - a.y)) / n.z
                        points.append(
                            RoofPoint(building: building, position: SIMD3(x, y, z), normal: n, area: pointArea))
                    }
                    x += s
                }
                y += s
            }
            if points.count == before {
                points.append(RoofPoint(building: building, position: (a + b + c) / 3, normal: n, area: doubleArea / 2))
            }
        }
        return (points, roofArea)
    }

    /// Whether the triangle faces up enough to be a roof (tilted 60° or less).
    public static func isRoof(_ t: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)) -> Bool {
        let n = cross3(t.1 - t.0, t.2 - t.0)
        let length = (n * n).sum().squareRoot()
        return length > 1e-9 && n.z / length >= roofNormalMinZ
    }

    /// Whether (x, y) lies in the triangle's projection (either winding, edges included on one side).
    @inline(__always)
    static func inside(_ x: Double, _ y: Double, _ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> Bool {
        let d1 = (x - b.x) * (a.y - b.y) - (a.x - b.x) * (y - b.y)
        let d2 = (x - c.x) * (b.y - c.y) - (b.x - c.x) * (y - c.y)
        let d3 = (x - a.x) * (c.y - a.y) - (c.x - a.x) * (y - a.y)
        let negative = d1 < 0 || d2 < 0 || d3 < 0
        let positive = d1 > 0 || d2 > 0 || d3 > 0
        return !(negative && positive)
    }

    @inline(__always)
    static func cross3(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }
}
