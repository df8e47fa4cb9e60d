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
}
