import ArgumentParser
import Foundation
import Geo
import Solar
import Synchronization

extension Bench {
    /// `bitgoeul bench rays`: BVH build time and shadow-ray throughput over a space's buildings —
    /// rays from random roof points towards random directions of the sky, any-hit.
    struct Rays: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "BVH ray-casting throughput over a space's buildings.")

        @Option(help: "The world directory.") var world = "worlds/seoul"
        @Option(help: "The space.") var space = "seoul/yeouido"
        @Option(help: "Rays per thread.") var rays = 2_000_000
        @Option(help: "Threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount

        func run() throws {
            let name = space.split(separator: "/").last.map(String.init) ?? space
            let glb = URL(fileURLWithPath: world).appendingPathComponent("spaces/\(name)/buildings.glb")
            let triangles = try GLBReader.read(glb).flatMap { $0.mesh.enuTriangles }
            let build = ContinuousClock.now
            let bvh = BVH(triangles: triangles.map { (SIMD3<Float>($0.0), SIMD3<Float>($0.1), SIMD3<Float>($0.2)) })
            let buildMs = (ContinuousClock.now - build).milliseconds
            let roofs = triangles.filter(RoofSampler.isRoof)
            print(
                "\(triangles.count) triangles, BVH built in \(String(format: "%.1f", buildMs)) ms; \(roofs.count) roof faces"
            )
            for n in Set([1, threads]).sorted() {
                let blocked = Atomic<Int>(0)
                let start = ContinuousClock.now
                DispatchQueue.concurrentPerform(iterations: n) { w in
                    var state = UInt64(w + 1) &* 0x9E37_79B9_7F4A_7C15
                    func next() -> Float {
                        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                        return Float(state >> 40) / Float(1 << 24)
                    }
                    var hits = 0
                    for _ in 0..<rays {
                        let t = roofs[Int(next() * Float(roofs.count - 1))]
                        var a = next()
                        var b = next()
                        if a + b > 1 { (a, b) = (1 - a, 1 - b) }
                        let p =
                            SIMD3<Float>(t.0 + (t.1 - t.0) * Double(a) + (t.2 - t.0) * Double(b)) + SIMD3(0, 0, 0.05)
                        let z = max(0.02, next())
                        let phi = 2 * Float.pi * next()
                        let r = (1 - z * z).squareRoot()
                        if bvh.occluded(p, SIMD3(r * cos(phi), r * sin(phi), z)) { hits += 1 }
                    }
                    blocked.add(hits, ordering: .relaxed)
                }
                let seconds = (ContinuousClock.now - start).milliseconds / 1000
                let total = Double(rays * n)
                print(
                    String(
                        format: "%d thread(s): %.2f M rays/s (%.0f ns per ray per thread), %.1f %% blocked", n,
                        total / seconds / 1e6, seconds * 1e9 * Double(n) / total,
                        100 * Double(blocked.load(ordering: .relaxed)) / total))
            }
        }
    }
}
