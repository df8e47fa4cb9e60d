import Foundation
import Synchronization

/// A year of sun on every roof of a space: hourly shadow rays towards the sun through the BVH,
/// clear-sky irradiance (Ineichen–Perez) on each roof face, and diffuse light reduced by each
/// point's sky view factor. Results are annual irradiation in kWh/m².
public struct SolarAnalysis: Sendable {
    /// One building's geometry, in the space's east-north-up frame (metres).
    public struct Building: Sendable {
        public var id: String
        public var triangles: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)]

        public init(id: String, triangles: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)]) {
            self.id = id
            self.triangles = triangles
        }
    }

    public struct Settings: Sendable {
        public var year = 2026
        public var stepHours = 1.0
        public var spacingM = 1.0
        /// Cosine-weighted hemisphere rays per point for the sky view factor.
        public var skyRays = 64
        public var latitude: Double
        public var longitude: Double
        public var altitude = 0.0
        /// Monthly Linke turbidity, January first.
        public var linkeTurbidity: [Double]
        public var albedo = 0.2

        public init(latitude: Double, longitude: Double, linkeTurbidity: [Double]) {
            self.latitude = latitude
            self.longitude = longitude
            self.linkeTurbidity = linkeTurbidity
        }

        public var problem: String? {
            guard (-90...90).contains(latitude), (-180...180).contains(longitude) else { return "bad site coordinates" }
            guard (-2000...6000).contains(year) else { return "year \(year) is outside SPA's validity (−2000…6000)" }
            guard stepHours >= 1.0 / 60, stepHours <= 24 else { return "the step is 1 minute to 24 hours" }
            guard spacingM >= 0.1, spacingM <= 50 else { return "the point spacing is 0.1 to 50 m" }
            guard (1...4096).contains(skyRays) else { return "sky rays are 1 to 4096" }
            guard linkeTurbidity.count == 12, linkeTurbidity.allSatisfy({ $0 > 0 && $0 < 10 }) else {
                return "twelve monthly Linke turbidity values (0 to 10) are needed"
            }
            guard (0...1).contains(albedo) else { return "albedo is 0 to 1" }
            return nil
        }
    }

    /// The sun for one step of the year: unit direction (ENU) and clear-sky irradiance.
    public struct SunStep: Sendable {
        public var direction: SIMD3<Double>
        public var irradiance: ClearSky.Irradiance
    }

    public struct PointResult: Sendable {
        public var kwhPerM2: Double
        public var skyViewFactor: Double
        /// Share of the year's direct light on this face that arrives unshaded.
        public var sunlitShare: Double
    }

    public struct BuildingResult: Sendable, Codable {
        public var id: String
        public var roofAreaM2: Double
        public var points: Int
        /// Area-weighted mean over the roof, kWh/m² per year.
        public var meanKWhPerM2: Double
        /// Mean of the best quarter of the roof.
        public var best25KWhPerM2: Double
    }

    public struct Result: Sendable {
        public var buildings: [BuildingResult]
        public var points: [RoofPoint]
        public var values: [PointResult]
        /// An unobstructed horizontal surface: the clear-sky global horizontal irradiation, kWh/m².
        public var openHorizontalKWhPerM2: Double
        public var sunSteps: Int
        public var rays: Int
        public var seconds: Double
    }

    public let scene: [Building]
    public let settings: Settings
    public let bvh: BVH

    public init(scene: [Building], settings: Settings) throws {
        if let problem = settings.problem { throw SolarPosition.Failure.value(problem) }
        guard scene.contains(where: { !$0.triangles.isEmpty }) else {
            throw SolarPosition.Failure.value("the space has no buildings to analyse")
        }
        self.scene = scene
        self.settings = settings
        var all: [(BVH.Vec, BVH.Vec, BVH.Vec)] = []
        for b in scene {
            for t in b.triangles { all.append((BVH.Vec(t.0), BVH.Vec(t.1), BVH.Vec(t.2))) }
        }
        bvh = BVH(triangles: all)
    }

    /// The sun-up steps of the year (sampled at each step's middle) with their irradiance.
    public func sunSteps() throws -> [SunStep] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let start = calendar.date(from: DateComponents(year: settings.year, month: 1, day: 1)),
            let end = calendar.date(from: DateComponents(year: settings.year + 1, month: 1, day: 1))
        else { throw SolarPosition.Failure.year(settings.year) }
        let site = SolarPosition.Site(
            latitude: settings.latitude, longitude: settings.longitude, elevationM: settings.altitude)
        let step = settings.stepHours * 3600
        var steps: [SunStep] = []
        var t = start.addingTimeInterval(step / 2)
        while t < end {
            let p = try SolarPosition.compute(at: t, site: site)
            if p.elevation > 0 {
                let month = calendar.component(.month, from: t)
                let day = calendar.ordinality(of: .day, in: .year, for: t) ?? 1
                let irradiance = ClearSky.ineichen(
                    zenith: p.zenith, dayOfYear: day, altitude: settings.altitude,
                    linke: settings.linkeTurbidity[month - 1])
                let az = p.azimuth * .pi / 180
                let el = p.elevation * .pi / 180
                steps.append(
                    SunStep(direction: SIMD3(sin(az) * cos(el), cos(az) * cos(el), sin(el)), irradiance: irradiance))
            }
            t = t.addingTimeInterval(step)
        }
        return steps
    }

    /// Runs the year for `only` these buildings (all when nil), on `threads` threads.
    public func run(
        only: Set<Int>? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: @Sendable (Double) -> Void = { _ in }
    ) throws -> Result {
        let clock = ContinuousClock.now
        let steps = try sunSteps()
        let hours = settings.stepHours
        let ghiSum = steps.reduce(0) { $0 + $1.irradiance.ghi } * hours / 1000
        let dhiSum = steps.reduce(0) { $0 + $1.irradiance.dhi } * hours / 1000
        let chosen = (only.map { Array($0).sorted() } ?? Array(scene.indices)).filter { scene.indices.contains($0) }
        let done = Atomic<Int>(0)
        let rays = Atomic<Int>(0)
        let collected = Mutex<[(Int, [RoofPoint], [PointResult], Double)]>([])
        let workers = max(1, min(threads, chosen.count))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var local: [(Int, [RoofPoint], [PointResult], Double)] = []
            var scratch = Scratch(triangles: bvh.triangleCount)
            var castCount = 0
            for k in stride(from: w, to: chosen.count, by: workers) {
                let b = chosen[k]
                let (points, area) = RoofSampler.sample(
                    scene[b].triangles, building: Int32(b), spacingM: settings.spacingM)
                let values = shade(
                    points, steps: steps, ghiSum: ghiSum, dhiSum: dhiSum, scratch: &scratch, rays: &castCount)
                local.append((b, points, values, area))
                progress(Double(done.add(1, ordering: .relaxed).newValue) / Double(chosen.count))
            }
            rays.add(castCount, ordering: .relaxed)
            collected.withLock { $0 += local }
        }
        let parts = collected.withLock { $0 }.sorted { $0.0 < $1.0 }
        var result = Result(
            buildings: [], points: [], values: [], openHorizontalKWhPerM2: ghiSum, sunSteps: steps.count,
            rays: rays.load(ordering: .relaxed), seconds: 0)
        for (b, points, values, area) in parts {
            result.buildings.append(Self.summarise(id: scene[b].id, points: points, values: values, roofArea: area))
            result.points += points
            result.values += values
        }
        let elapsed = ContinuousClock.now - clock
        result.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return result
    }

    /// Beam (ray per sun step, culled per roof), sky diffuse (times the sky view factor) and ground-reflected light.
    func shade(
        _ points: [RoofPoint], steps: [SunStep], ghiSum: Double, dhiSum: Double, scratch: inout Scratch,
        rays: inout Int
    ) -> [PointResult] {
        guard !points.isEmpty else { return [] }
        let hours = settings.stepHours
        let lift = 0.05
        let origins = points.map { BVH.Vec($0.position + $0.normal * lift) }
        var beam = [Double](repeating: 0, count: points.count)
        var beamOpen = [Double](repeating: 0, count: points.count)
        let top = bvh.hi.z
        // Points in tiles of about 16 m, so a big roof's shadow query covers only its own corner.
        var tiles: [SIMD2<Int>: [Int]] = [:]
        for i in points.indices {
            tiles[
                SIMD2(
                    Int((points[i].position.x / Self.tileM).rounded(.down)),
                    Int((points[i].position.y / Self.tileM).rounded(.down))), default: []
            ].append(i)
        }
        for members in tiles.values {
            var lo = origins[members[0]]
            var hi = lo
            for i in members {
                lo = pointwiseMin(lo, origins[i])
                hi = pointwiseMax(hi, origins[i])
            }
            for step in steps where step.irradiance.dni > 0 {
                let s = BVH.Vec(step.direction)
                gatherOccluders(lo: lo, hi: hi, towards: s, top: top, scratch: &scratch)
                let candidates = scratch.list
                for i in members {
                    let cosine = (points[i].normal * step.direction).sum()
                    guard cosine > 0 else { continue }
                    let energy = step.irradiance.dni * cosine * hours
                    beamOpen[i] += energy
                    if !candidates.isEmpty {
                        rays += 1
                        let blocked =
                            candidates.count <= 24
                            ? bvh.occluded(origins[i], s, among: candidates) : bvh.occluded(origins[i], s)
                        if blocked { continue }
                    }
                    beam[i] += energy
                }
            }
        }
        var out: [PointResult] = []
        out.reserveCapacity(points.count)
        for i in points.indices {
            let svf = skyView(origins[i], normal: points[i].normal)
            rays += settings.skyRays
            let tiltCos = min(1, max(-1, points[i].normal.z))
            let ground = settings.albedo * ghiSum * 1000 * (1 - tiltCos) / 2
            let total = (beam[i] + dhiSum * 1000 * svf + ground) / 1000
            out.append(
                PointResult(
                    kwhPerM2: total, skyViewFactor: svf, sunlitShare: beamOpen[i] > 0 ? beam[i] / beamOpen[i] : 1))
        }
        return out
    }

    static let tileM = 16.0

    /// Per-thread scratch for gathering occluders without allocating.
    struct Scratch {
        var stamp: [UInt32]
        var generation: UInt32 = 0
        var list: [Int32] = []

        init(triangles: Int) { stamp = [UInt32](repeating: 0, count: triangles) }
    }

    /// Triangles whose shadow along −`s` can fall on the tile [lo, hi]. The tile is swept towards
    /// the sun in segments of doubling length, and a segment keeps only what reaches above the
    /// height the sun's ray has climbed to by its start, so distant low things drop out; each kept
    /// triangle's shadow on the tile's plane must also overlap the tile's rectangle.
    func gatherOccluders(lo: BVH.Vec, hi: BVH.Vec, towards s: BVH.Vec, top: Float, scratch: inout Scratch) {
        scratch.list.removeAll(keepingCapacity: true)
        scratch.generation &+= 1
        if scratch.generation == 0 {
            for k in scratch.stamp.indices { scratch.stamp[k] = 0 }
            scratch.generation = 1
        }
        let generation = scratch.generation
        var stamp = scratch.stamp
        var list = scratch.list
        scratch.stamp = []
        scratch.list = []
        defer {
            scratch.stamp = stamp
            scratch.list = list
        }
        let slope = SIMD2(s.x, s.y) / max(s.z, 1e-3)
        // The tile's points projected onto z = lo.z move by slope·(z − lo.z), z in [lo.z, hi.z].
        let shift = slope * (hi.z - lo.z)
        let tLo = SIMD2(lo.x, lo.y) - pointwiseMax(shift, .zero) - 0.01
        let tHi = SIMD2(hi.x, hi.y) - pointwiseMin(shift, .zero) + 0.01
        let reach = max(0, top - lo.z) / max(s.z, 1e-3)
        var t0: Float = 0
        var t1: Float = min(reach, 16)
        while t0 < reach {
            let a = s * t0
            let b = s * t1
            bvh.forEachOverlapping(
                lo: pointwiseMin(lo + a, lo + b), hi: pointwiseMax(hi + a, hi + b), zAbove: lo.z + s.z * t0
            ) { i in
                guard stamp[i] != generation else { return }
                stamp[i] = generation
                let (p, q, r) = bvh.corners(i)
                let pp = SIMD2(p.x, p.y) - slope * (p.z - lo.z)
                let pq = SIMD2(q.x, q.y) - slope * (q.z - lo.z)
                let pr = SIMD2(r.x, r.y) - slope * (r.z - lo.z)
                if all(pointwiseMin(pointwiseMin(pp, pq), pr) .<= tHi),
                    all(pointwiseMax(pointwiseMax(pp, pq), pr) .>= tLo)
                {
                    list.append(Int32(i))
                }
            }
            t0 = t1
            t1 = min(reach, t1 * 2)
        }
    }

    /// Share of the cosine-weighted hemisphere over `normal` that sees open sky (rays below the
    /// horizon see the ground). Stratified and deterministic.
    func skyView(_ origin: BVH.Vec, normal n: SIMD3<Double>) -> Double {
        let directions = Self.skyDirections(normal: n, rays: settings.skyRays)
        var open = 0
        for d in directions where d.z > 0 {
            if !bvh.occluded(origin, BVH.Vec(d)) { open += 1 }
        }
        return Double(open) / Double(directions.count)
    }

    /// The sky view rays of a face with this normal: `side²` cosine-weighted, stratified directions
    /// with a fixed jitter (side = √rays rounded), the same on every run; some may point below the horizon.
    public static func skyDirections(normal n: SIMD3<Double>, rays: Int) -> [SIMD3<Double>] {
        let side = max(1, Int(Double(rays).squareRoot().rounded()))
        // An orthonormal frame around n.
        let helper: SIMD3<Double> = abs(n.z) < 0.9 ? SIMD3(0, 0, 1) : SIMD3(1, 0, 0)
        var t = RoofSampler.cross3(helper, n)
        t /= (t * t).sum().squareRoot()
        let b = RoofSampler.cross3(n, t)
        var out: [SIMD3<Double>] = []
        out.reserveCapacity(side * side)
        for i in 0..<side {
            for j in 0..<side {
                // Jitter from a fixed low-discrepancy offset: the same answer on every run.
                let u = (Double(i) + 0.5 + 0.3 * sin(Double(i * 7 + j * 13))) / Double(side)
                let v = (Double(j) + 0.5 + 0.3 * cos(Double(i * 11 + j * 5))) / Double(side)
                let r = min(1, max(0, u)).squareRoot()
                let phi = 2 * Double.pi * v
                let local = SIMD3(r * cos(phi), r * sin(phi), (1 - min(1, max(0, u))).squareRoot())
                out.append(t * local.x + b * local.y + n * local.z)
            }
        }
        return out
    }

    static func summarise(id: String, points: [RoofPoint], values: [PointResult], roofArea: Double) -> BuildingResult {
        guard !points.isEmpty else {
            return BuildingResult(id: id, roofAreaM2: roofArea, points: 0, meanKWhPerM2: 0, best25KWhPerM2: 0)
        }
        let weight = points.reduce(0) { $0 + $1.area }
        let mean = zip(points, values).reduce(0) { $0 + $1.0.area * $1.1.kwhPerM2 } / weight
        let sorted = values.map(\.kwhPerM2).sorted(by: >)
        let quarter = max(1, sorted.count / 4)
        let best = sorted.prefix(quarter).reduce(0, +) / Double(quarter)
        return BuildingResult(
            id: id, roofAreaM2: roofArea, points: points.count, meanKWhPerM2: mean, best25KWhPerM2: best)
    }
}
