import Foundation
import Geo
import Solar
import Testing
import WorldModel

/// The roofs left out of a plan's solar analysis are exactly those it cannot change: analysing
/// every roof before and after finds a change only on roofs the test kept.
@Suite struct AffectedRoofsTests {
    static func box(_ id: String, x: Double, y: Double, side: Double, height: Double) throws -> SolarAnalysis.Building {
        let ring = [Point(x, y), Point(x + side, y), Point(x + side, y + side), Point(x, y + side)]
        let mesh = try Extruder.prism(RingCleaner.clean(outer: ring), base: 0, top: height)
        return SolarAnalysis.Building(id: id, triangles: mesh.enuTriangles)
    }

    @Test func everyRoofThePlanChangesIsKeptAndFarOnesAreLeftOut() throws {
        // A 7 × 7 block of 8 m houses, 20 m apart, and a 40 m tower planned in the middle gap.
        var city: [SolarAnalysis.Building] = []
        for i in 0..<7 {
            for j in 0..<7 {
                city.append(
                    try Self.box(
                        "h\(i)-\(j)", x: Double(i) * 20 - 70, y: Double(j) * 20 - 70, side: 10,
                        height: 6 + Double((i * 3 + j) % 4)))
            }
        }
        let tower = try Self.box("tower", x: -5, y: 2, side: 6, height: 40)
        var settings = SolarAnalysis.Settings(
            latitude: 37.52, longitude: 126.92, linkeTurbidity: [Double](repeating: 3, count: 12))
        settings.stepHours = 3
        settings.spacingM = 5
        settings.skyRays = 16
        let before = try SolarAnalysis(scene: city, settings: settings)
        let after = try SolarAnalysis(scene: city + [tower], settings: settings)
        let corners = tower.triangles.flatMap { [$0.0, $0.1, $0.2] }
        let lo = corners.reduce(SIMD3(repeating: Double.infinity)) { pointwiseMin($0, $1) }
        let hi = corners.reduce(SIMD3(repeating: -Double.infinity)) { pointwiseMax($0, $1) }
        let kept = Set(try before.affected(by: lo, hi, among: Array(city.indices)))
        let all = Set(city.indices)
        let a = try before.run(only: all, threads: 2).buildings
        let b = try after.run(only: all, threads: 2).buildings
        var changed: Set<Int> = []
        for (i, (x, y)) in zip(a, b).enumerated() where abs(x.meanKWhPerM2 - y.meanKWhPerM2) > 1e-9 {
            #expect(y.meanKWhPerM2 < x.meanKWhPerM2, "a new building only takes light away")
            changed.insert(i)
        }
        #expect(!changed.isEmpty)
        #expect(changed.isSubset(of: kept), "left out but changed: \(changed.subtracting(kept).sorted())")
        #expect(kept.count < city.count, "some roofs are left out (\(kept.count) of \(city.count) kept)")
    }
}
