import Foundation

/// Hours of shadow on the ground, as planners read them for the right to light: on one day, the
/// sun every few minutes between two local times, and for each cell of a ground grid whether the
/// ray from its centre towards the sun is blocked.
public enum ShadowHours {
    /// A grid on the ground in the space's frame: cell (col, row) has its centre at
    /// (`originE` + (col + ½)·`cellM`, `originN` + (row + ½)·`cellM`).
    public struct Grid: Hashable, Sendable, Codable {
        public var originE: Double
        public var originN: Double
        public var cellM: Double
        public var cols: Int
        public var rows: Int

        public init(originE: Double, originN: Double, cellM: Double, cols: Int, rows: Int) {
            self.originE = originE
            self.originN = originN
            self.cellM = cellM
            self.cols = cols
            self.rows = rows
        }

        /// A grid over [lo, hi] with cells of at least `cellM`, made coarser until it has at most `cellsMax`.
        public init(lo: SIMD2<Double>, hi: SIMD2<Double>, cellM: Double, cellsMax: Int) {
            var cell = cellM
            while ((hi.x - lo.x) / cell).rounded(.up) * ((hi.y - lo.y) / cell).rounded(.up) > Double(cellsMax) {
                cell *= 1.25
            }
            self.init(
                originE: lo.x, originN: lo.y, cellM: cell, cols: max(1, Int(((hi.x - lo.x) / cell).rounded(.up))),
                rows: max(1, Int(((hi.y - lo.y) / cell).rounded(.up))))
        }

        public var count: Int { cols * rows }

        public func centre(_ i: Int) -> SIMD2<Double> {
            SIMD2(originE + (Double(i % cols) + 0.5) * cellM, originN + (Double(i / cols) + 0.5) * cellM)
        }
    }

    /// Unit directions (east, north, up) towards the sun at the middle of each `stepMinutes` step
    /// from `fromHour` to `toHour` local time on `day` (year, month, day) in `timeZone`; steps with
    /// the sun below the horizon are left out, so the list may be shorter than the window.
    public static func suns(
        year: Int, month: Int, day: Int, timeZone: TimeZone, fromHour: Int, toHour: Int, stepMinutes: Int,
        site: SolarPosition.Site
    ) throws -> [SIMD3<Double>] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let start = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: fromHour)),
            stepMinutes > 0, toHour > fromHour
        else { throw SolarPosition.Failure.value("a day and a window of whole hours are needed") }
        let steps = (toHour - fromHour) * 60 / stepMinutes
        var out: [SIMD3<Double>] = []
        for k in 0..<steps {
            let t = start.addingTimeInterval((Double(k) + 0.5) * Double(stepMinutes) * 60)
            let p = try SolarPosition.compute(at: t, site: site)
            guard p.elevation > 0 else { continue }
            let az = p.azimuth * .pi / 180
            let el = p.elevation * .pi / 180
            out.append(SIMD3(sin(az) * cos(el), cos(az) * cos(el), sin(el)))
        }
        return out
    }

    /// For each cell, how many of `suns` a ray from its centre (at `groundZ`) does not reach
    /// because `bvh` is in the way.
    /// Complexity: O(cells × suns × log triangles).
    public static func steps(_ bvh: BVH, grid: Grid, groundZ: Double, suns: [SIMD3<Double>]) -> [UInt8] {
        let dirs = suns.map { BVH.Vec($0) }
        var out = [UInt8](repeating: 0, count: grid.count)
        for i in 0..<grid.count {
            let c = grid.centre(i)
            let origin = BVH.Vec(Float(c.x), Float(c.y), Float(groundZ + 0.05))
            var n = 0
            for d in dirs where bvh.occluded(origin, d) { n += 1 }
            out[i] = UInt8(min(255, n))
        }
        return out
    }

    /// The change in shadow steps a plan brings, per cell: the steps whose ray is blocked by
    /// `staying` or `added` after, minus those blocked by `staying` or `removed` before.
    /// A ray that meets neither `added` nor `removed` is the same before and after and is not
    /// traced through `staying` at all. `progress` gets the share of rows done.
    public static func added(
        staying: BVH?, added: BVH?, removed: BVH?, grid: Grid, groundZ: Double, suns: [SIMD3<Double>],
        progress: (Double) -> Void = { _ in }
    ) -> [Int8] {
        let dirs = suns.map { BVH.Vec($0) }
        var out = [Int8](repeating: 0, count: grid.count)
        for row in 0..<grid.rows {
            for col in 0..<grid.cols {
                let i = row * grid.cols + col
                let c = grid.centre(i)
                let origin = BVH.Vec(Float(c.x), Float(c.y), Float(groundZ + 0.05))
                var delta = 0
                for d in dirs {
                    let byAdded = added?.occluded(origin, d) ?? false
                    let byRemoved = removed?.occluded(origin, d) ?? false
                    guard byAdded != byRemoved else { continue }
                    if staying?.occluded(origin, d) ?? false { continue }
                    delta += byAdded ? 1 : -1
                }
                out[i] = Int8(max(-127, min(127, delta)))
            }
            progress(Double(row + 1) / Double(grid.rows))
        }
        return out
    }
}
