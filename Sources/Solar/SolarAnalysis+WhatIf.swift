import Foundation

extension SolarAnalysis {
    /// The buildings of `scene` (their indices) that a planned building `height` metres tall could
    /// shade: those with a triangle whose first corner lies within `height / tan(3°)` of the plan's
    /// bounding box.
    /// Suns lower than 3° carry little energy, so farther roofs are not worth analysing again.
    ///
    /// Precondition: `plan` has at least one triangle.
    /// Complexity: O(triangles of `scene`).
    public static func neighbours(of plan: Building, in scene: [Building], height: Double) -> Set<Int> {
        precondition(!plan.triangles.isEmpty, "a planned building has triangles")
        let reach = height / tan(3 * Double.pi / 180)
        let xs = plan.triangles.flatMap { [$0.0.x, $0.1.x, $0.2.x] }
        let ys = plan.triangles.flatMap { [$0.0.y, $0.1.y, $0.2.y] }
        let lo = SIMD2(xs.min()! - reach, ys.min()! - reach)
        let hi = SIMD2(xs.max()! + reach, ys.max()! + reach)
        return Set(
            scene.indices.filter { i in
                scene[i].triangles.contains { t in
                    t.0.x >= lo.x && t.0.x <= hi.x && t.0.y >= lo.y && t.0.y <= hi.y
                }
            })
    }

    /// The buildings of this analysis's scene whose year of sun a change inside the box [lo, hi]
    /// can alter, exactly: a roof is left out only when none of the rays its analysis casts (towards
    /// each sun step with direct light, and its faces' sky view rays) can enter the box from
    /// anywhere on the roof. The test is on the Minkowski difference of the box and the roof's
    /// bounds, so it holds for every point of the roof at once.
    /// Complexity: O(buildings × (sun steps + sky rays × distinct roof normals)).
    public func affected(by lo: SIMD3<Double>, _ hi: SIMD3<Double>, among candidates: [Int]) throws -> [Int] {
        let suns = try sunSteps().filter { $0.irradiance.dni > 0 }.map(\.direction)
        return candidates.filter { b in
            let (points, _) = RoofSampler.sample(scene[b].triangles, building: Int32(b), spacingM: settings.spacingM)
            guard !points.isEmpty else { return false }
            // The roof's ray origins (lifted 5 cm along the normal) lie in [rLo, rHi].
            var rLo = SIMD3<Double>(repeating: .infinity)
            var rHi = SIMD3<Double>(repeating: -.infinity)
            var normals: Set<SIMD3<Double>> = []
            for p in points {
                rLo = pointwiseMin(rLo, p.position - 0.06)
                rHi = pointwiseMax(rHi, p.position + 0.06)
                normals.insert(p.normal)
            }
            let dLo = lo - rHi
            let dHi = hi - rLo
            for s in suns where Self.ray(s, hits: dLo, dHi) { return true }
            for n in normals {
                for d in Self.skyDirections(normal: n, rays: settings.skyRays) where d.z > 0 {
                    if Self.ray(d, hits: dLo, dHi) { return true }
                }
            }
            return false
        }
    }

    /// Whether the ray from the origin along `d` meets the box [lo, hi] (slab test).
    static func ray(_ d: SIMD3<Double>, hits lo: SIMD3<Double>, _ hi: SIMD3<Double>) -> Bool {
        var t0 = 0.0
        var t1 = Double.infinity
        for k in 0..<3 {
            if abs(d[k]) < 1e-12 {
                if lo[k] > 0 || hi[k] < 0 { return false }
                continue
            }
            let a = lo[k] / d[k]
            let b = hi[k] / d[k]
            t0 = max(t0, min(a, b))
            t1 = min(t1, max(a, b))
            if t0 > t1 { return false }
        }
        return true
    }
}
