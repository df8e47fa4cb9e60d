import Foundation
import Testing

@testable import Solar

/// The solar part: the BVH against brute force, the clear-sky model's limits, roof sampling, and
/// an open roof receiving exactly the clear-sky horizontal irradiation.
@Suite struct SolarTests {
    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("the BVH finds the same nearest hit and the same any-hit as brute force on random rays")
    func bvhMatchesBruteForce() {
        var rng = Rng(state: 11)
        func r(_ a: Float, _ b: Float) -> Float { Float.random(in: a..<b, using: &rng) }
        var triangles: [(BVH.Vec, BVH.Vec, BVH.Vec)] = []
        for _ in 0..<3000 {
            let c = BVH.Vec(r(-100, 100), r(-100, 100), r(0, 60))
            triangles.append((c, c + BVH.Vec(r(-5, 5), r(-5, 5), r(-5, 5)), c + BVH.Vec(r(-5, 5), r(-5, 5), r(-5, 5))))
        }
        let bvh = BVH(triangles: triangles)
        var hits = 0
        for _ in 0..<5000 {
            let o = BVH.Vec(r(-120, 120), r(-120, 120), r(-10, 70))
            var d = BVH.Vec(r(-1, 1), r(-1, 1), r(-1, 1))
            d /= (d * d).sum().squareRoot()
            var best: (t: Float, i: Int)?
            for (i, t) in triangles.enumerated() {
                if let h = BVH.hit(t.0, t.1 - t.0, t.2 - t.0, o, d, .infinity), best == nil || h < best!.t {
                    best = (h, i)
                }
            }
            let found = bvh.closestHit(o, d)
            #expect(found?.triangle == best?.i)
            if let f = found, let b = best { #expect(abs(f.t - b.t) < 1e-3) }
            #expect(bvh.occluded(o, d) == (best != nil))
            if best != nil { hits += 1 }
        }
        #expect(hits > 500, "the rays do hit things (\(hits))")
    }

    @Test("clear sky: nothing at night, DHI + DNI·cos z = GHI, and turbidity dims the beam")
    func clearSky() {
        #expect(ClearSky.ineichen(zenith: 95, dayOfYear: 172, altitude: 0, linke: 3) == .zero)
        let clean = ClearSky.ineichen(zenith: 30, dayOfYear: 172, altitude: 0, linke: 2)
        let hazy = ClearSky.ineichen(zenith: 30, dayOfYear: 172, altitude: 0, linke: 5)
        #expect(abs(clean.dhi + clean.dni * cos(30 * Double.pi / 180) - clean.ghi) < 1e-9)
        #expect(clean.dni > hazy.dni && clean.dni > 800 && clean.dni < 1100)
        #expect(ClearSky.extraterrestrial(dayOfYear: 3) > ClearSky.extraterrestrial(dayOfYear: 185))
    }

    static func box(_ e0: Double, _ n0: Double, _ e1: Double, _ n1: Double, _ h: Double)
        -> [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)]
    {
        let c = [SIMD3(e0, n0, 0), SIMD3(e1, n0, 0), SIMD3(e1, n1, 0), SIMD3(e0, n1, 0)]
        let t = c.map { $0 + SIMD3(0, 0, h) }
        var out = [(t[0], t[1], t[2]), (t[0], t[2], t[3])]  // roof, counter-clockwise from above
        for k in 0..<4 {
            let a = c[k]
            let b = c[(k + 1) % 4]
            out += [(a, b, b + SIMD3(0, 0, h)), (a, b + SIMD3(0, 0, h), a + SIMD3(0, 0, h))]
        }
        return out
    }

    @Test("roof sampling: one point per square metre of a flat roof, none on walls")
    func sampling() {
        let (points, area) = RoofSampler.sample(Self.box(0, 0, 10, 8, 12), building: 0, spacingM: 1)
        #expect(points.count == 80 && abs(area - 80) < 1e-9)
        #expect(points.allSatisfy { abs($0.position.z - 12) < 1e-9 && $0.normal.z > 0.99 })
    }

    @Test("an open flat roof receives the clear-sky horizontal irradiation; a wall's shadow takes its share")
    func openRoofAndWall() throws {
        var settings = SolarAnalysis.Settings(
            latitude: 35.16, longitude: 126.85, linkeTurbidity: [2, 2, 2.5, 3, 3.6, 3.8, 4.2, 4.2, 3.8, 3, 2.4, 2])
        settings.spacingM = 2
        settings.skyRays = 256
        let open = try SolarAnalysis(scene: [.init(id: "a", triangles: Self.box(0, 0, 20, 20, 10))], settings: settings)
            .run()
        let roof = try #require(open.buildings.first)
        #expect(abs(roof.meanKWhPerM2 / open.openHorizontalKWhPerM2 - 1) < 1e-6)
        #expect(open.values.allSatisfy { $0.skyViewFactor == 1 && $0.sunlitShare == 1 })
        // A 30 m wall 10 m south of a 3 m roof: the roof loses light, most at its south edge.
        let walled = try SolarAnalysis(
            scene: [
                .init(id: "low", triangles: Self.box(0, 0, 20, 10, 3)),
                .init(id: "wall", triangles: Self.box(-1000, -12, 1000, -10, 30)),
            ], settings: settings
        ).run(only: [0])
        let low = try #require(walled.buildings.first)
        #expect(low.meanKWhPerM2 < 0.8 * open.openHorizontalKWhPerM2)
        let south = zip(walled.points, walled.values).filter { $0.0.position.y < 2 }.map(\.1.sunlitShare)
        let north = zip(walled.points, walled.values).filter { $0.0.position.y > 8 }.map(\.1.sunlitShare)
        #expect(south.max()! < north.min()!)
    }

    @Test("bad settings and an empty space are refused")
    func refusals() {
        var s = SolarAnalysis.Settings(latitude: 35, longitude: 126, linkeTurbidity: Array(repeating: 3, count: 12))
        #expect(throws: SolarPosition.Failure.self) { try SolarAnalysis(scene: [], settings: s) }
        s.year = 7000
        #expect(s.problem != nil)
        s.year = 2026
        s.linkeTurbidity = [3]
        #expect(s.problem != nil)
        #expect(throws: SolarPosition.Failure.self) {
            try SolarPosition.compute(at: Date(), site: .init(latitude: 91, longitude: 0))
        }
    }
}
