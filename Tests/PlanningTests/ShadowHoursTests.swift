import Foundation
import Geo
import Planning
import Solar
import Testing
import WorldModel

/// Shadow hours on the ground against cases a person can work out by hand: one box on flat ground
/// and the sun at a known place in the sky.
@Suite struct ShadowHoursTests {
    /// A 10 m cube standing on the ground with its footprint from −5 to 5 m both ways.
    static func cube(height: Double = 10) throws -> [(BVH.Vec, BVH.Vec, BVH.Vec)] {
        let ring = [Point(-5, -5), Point(5, -5), Point(5, 5), Point(-5, 5)]
        let mesh = try Extruder.prism(RingCleaner.clean(outer: ring), base: 0, top: height)
        return mesh.enuTriangles.map { (BVH.Vec($0.0), BVH.Vec($0.1), BVH.Vec($0.2)) }
    }

    /// The sun due south at `elevationDeg`: a unit vector towards it.
    static func southSun(elevationDeg: Double) -> SIMD3<Double> {
        let e = elevationDeg * .pi / 180
        return SIMD3(0, -cos(e), sin(e))
    }

    @Test(arguments: [45.0, 30.0]) func aCubeShadesTheGroundNorthOfItAsFarAsItsHeightOverTheTangent(_ elevation: Double)
        throws
    {
        let bvh = BVH(triangles: try Self.cube())
        // 1 m cells from −20 to 40 m: centres at whole metres plus a half.
        let grid = ShadowHours.Grid(originE: -20, originN: -20, cellM: 1, cols: 40, rows: 60)
        let steps = ShadowHours.steps(bvh, grid: grid, groundZ: 0, suns: [Self.southSun(elevationDeg: elevation)])
        let reach = 5 + 10 / tan(elevation * .pi / 180)  // 15 m at 45°, 22.32 m at 30°
        var expected = 0
        for i in 0..<grid.count {
            let c = grid.centre(i)
            let outside = abs(c.x) > 5 || abs(c.y) > 5
            let inShadow = abs(c.x) < 5 && c.y > 5 && c.y < reach
            if outside {
                #expect(steps[i] == (inShadow ? 1 : 0), "cell at \(c.x), \(c.y)")
                if inShadow { expected += 1 }
            }
        }
        // 10 columns by (reach − 5) rows of cells, rounded to whole cells.
        #expect(expected == 10 * Int((reach - 5).rounded(.down)))
    }

    @Test func addedShadowCountsOnlyWhatThePlanChanges() throws {
        let plan = BVH(triangles: try Self.cube())
        let grid = ShadowHours.Grid(originE: -20, originN: -20, cellM: 1, cols: 40, rows: 60)
        let suns = [Self.southSun(elevationDeg: 45), Self.southSun(elevationDeg: 30)]
        // On open ground the plan adds one step where either shadow falls, two where both do.
        let added = ShadowHours.added(staying: nil, added: plan, removed: nil, grid: grid, groundZ: 0, suns: suns)
        let row = { (y: Double) in Int(y + 20) }
        let col = { (x: Double) in Int(x + 20) }
        #expect(added[row(10.5) * grid.cols + col(0.5)] == 2, "within 15 m: in both shadows")
        #expect(added[row(20.5) * grid.cols + col(0.5)] == 1, "15–22 m: only the low sun's")
        #expect(added[row(30.5) * grid.cols + col(0.5)] == 0)
        #expect(added[row(-10.5) * grid.cols + col(0.5)] == 0, "south of the cube")
        // A taller building already standing there hides the plan's shadow: nothing is added.
        let staying = BVH(triangles: try Self.cube(height: 30))
        let hidden = ShadowHours.added(staying: staying, added: plan, removed: nil, grid: grid, groundZ: 0, suns: suns)
        #expect(hidden.allSatisfy { $0 == 0 })
        // Taking the cube away gives the light back.
        let removed = ShadowHours.added(staying: nil, added: nil, removed: plan, grid: grid, groundZ: 0, suns: suns)
        #expect(removed[row(10.5) * grid.cols + col(0.5)] == -2)
    }

    @Test func theSunsOfTheWindowAreSPAsAtTheStepMiddles() throws {
        let site = SolarPosition.Site(latitude: 37.5237, longitude: 126.9219, elevationM: 0)
        let seoul = TimeZone(identifier: "Asia/Seoul")!
        let suns = try ShadowHours.suns(
            year: 2026, month: 12, day: 22, timeZone: seoul, fromHour: 8, toHour: 16, stepMinutes: 60, site: site)
        // 08:30 … 15:30: the winter sun is up at all eight (sunrise in Seoul is about 07:45).
        #expect(suns.count == 8)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = seoul
        let noonish = calendar.date(from: DateComponents(year: 2026, month: 12, day: 22, hour: 12, minute: 30))!
        let p = try SolarPosition.compute(at: noonish, site: site)
        let sun = suns[4]
        #expect(abs(asin(sun.z) * 180 / .pi - p.elevation) < 1e-9)
        #expect(p.elevation > 25 && p.elevation < 30, "about 29° at Seoul's winter-solstice noon")
    }
}
