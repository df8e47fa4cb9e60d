import Foundation
import Simulation
import Solar
import WorldModel

/// What a proposal changes, computed once per version (docs/planning.md "Effects").
public struct Effects: Sendable, Codable {
    public struct Roof: Sendable, Codable, Hashable {
        public var id: String
        public var name: String?
        public var roofAreaM2: Double
        public var beforeKWh: Double
        public var afterKWh: Double
        public var deltaKWh: Double
        public var deltaPercent: Double
    }

    public struct ProposedRoof: Sendable, Codable, Hashable {
        public var id: String
        public var roofAreaM2: Double
        public var kwhPerM2: Double
        public var annualKWh: Double
    }

    public struct Solar: Sendable, Codable {
        public var year: Int
        /// Roofs whose year changed by at least 0.05 %, most changed first.
        public var roofs: [Roof]
        /// Roofs analysed again: those whose sun or sky rays can reach the change.
        public var roofsChecked: Int
        public var lostKWh: Double
        public var gainedKWh: Double
        public var proposed: [ProposedRoof]
    }

    public struct Solstice: Sendable, Codable {
        public var date: String
        /// One signed byte per cell, base64: added 10-minute steps of shadow; −128 inside a building.
        public var addedSteps: String
        public var maxAddedH: Double
        /// Cells (outside buildings) that get at least two more hours of shadow.
        public var cellsOver2h: Int
    }

    public struct Shadow: Sendable, Codable {
        public var originE: Double
        public var originN: Double
        public var cellM: Double
        public var cols: Int
        public var rows: Int
        public var stepMin: Int
        public var from: String
        public var to: String
        public var winter: Solstice
        public var summer: Solstice
    }

    public struct CrowdRun: Sendable, Codable {
        public var agents: Int
        public var exited: Int
        /// Until the last person left; nil when someone was still inside at the scenario's end.
        public var evacuationS: Double?
        public var peakDensity: Double
    }

    /// Each cell's peak density over a run, one byte per cell in 0.05 persons/m² (255 = 12.75 or
    /// more), base64, row-major from the south-west.
    public struct DensityMap: Sendable, Codable {
        public var originE: Double
        public var originN: Double
        public var cellM: Double
        public var cols: Int
        public var rows: Int
        public var today: String
        public var proposed: String
    }

    public struct Crowd: Sendable, Codable {
        public var today: CrowdRun
        public var proposed: CrowdRun
        public var densityCellM: Double
        public var density: DensityMap?
    }

    public var state = "done"
    public var version: Int
    public var seconds: Double
    public var solar: Solar?
    public var shadow: Shadow?
    public var crowd: Crowd?
    /// Seconds each part took (solar, shadow, crowd).
    public var partSeconds: [String: Double] = [:]
}

/// How finely the effects are computed. `full` is what a city uses; `draft` is quick and coarse
/// (for tests and previews).
public struct EffectsSettings: Sendable {
    public var year = 2026
    public var solarStepHours = 1.0
    public var solarSpacingM = 2.0
    public var skyRays = 64
    public var shadowCellM = 2.0
    public var shadowCellsMax = 250_000
    public var shadowStepMin = 10
    /// The window of the day for shadow hours (the Korean right-to-light rule counts 08–16 at the winter solstice).
    public var shadowFromHour = 8
    public var shadowToHour = 16
    public var threads = 1

    public init() {}

    public static let full = EffectsSettings()

    public static var draft: EffectsSettings {
        var s = EffectsSettings()
        s.solarStepHours = 4
        s.solarSpacingM = 8
        s.skyRays = 4
        s.shadowCellM = 8
        s.shadowStepMin = 30
        return s
    }
}

/// Computes a proposal's effects: the year of sun on the roofs it can shade (before and after),
/// the shadow hours it adds on the ground at both solstices, and its crowd scenario on today's
/// and the proposed ground.
public struct EffectsJob: Sendable {
    /// Bumped when the effects' content changes, so stored effects of an older format are computed again.
    public static let formatVersion = 2
    public var proposal: Proposal
    public var version: Int
    public var space: Space
    public var buildings: SpaceBuildings
    /// The space's twelve monthly Linke turbidity values and ground albedo (`solar.json`); without
    /// them there is no solar part.
    public var climate: (linkeTurbidity: [Double], albedo: Double)?
    public var timeZone: TimeZone
    public var settings: EffectsSettings

    public init(
        proposal: Proposal, version: Int, space: Space, buildings: SpaceBuildings,
        climate: (linkeTurbidity: [Double], albedo: Double)?, timeZone: TimeZone, settings: EffectsSettings
    ) {
        self.proposal = proposal
        self.version = version
        self.space = space
        self.buildings = buildings
        self.climate = climate
        self.timeZone = timeZone
        self.settings = settings
    }

    /// Runs every part; `progress` gets 0…1.
    public func run(progress: @escaping @Sendable (Double) -> Void = { _ in }) throws -> Effects {
        let clock = ContinuousClock.now
        let hasBuildings = proposal.changesBuildings
        let hasCrowd = proposal.scenario != nil
        // Shares of the work: the year of sun is the heaviest part.
        let parts = (
            solar: hasBuildings && climate != nil ? 0.6 : 0, shadow: hasBuildings ? 0.25 : 0, crowd: hasCrowd ? 0.15 : 0
        )
        let total = max(parts.solar + parts.shadow + parts.crowd, 1e-9)
        func reporter(from done: Double, share: Double) -> @Sendable (Double) -> Void {
            { progress(min(1, (done + $0 * share) / total)) }
        }
        var effects = Effects(version: version, seconds: 0)
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let t = ContinuousClock.now
            defer { effects.partSeconds[name] = Self.seconds(ContinuousClock.now - t) }
            return try body()
        }
        if hasBuildings, let climate {
            effects.solar = try timed("solar") {
                try solar(climate: climate, progress: reporter(from: 0, share: parts.solar))
            }
        }
        if hasBuildings {
            effects.shadow = try timed("shadow") {
                try shadow(progress: reporter(from: parts.solar, share: parts.shadow))
            }
        }
        if hasCrowd {
            effects.crowd = try timed("crowd") {
                try crowd(progress: reporter(from: parts.solar + parts.shadow, share: parts.crowd))
            }
        }
        progress(1)
        effects.seconds = Self.seconds(ContinuousClock.now - clock)
        return effects
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    func solarSettings(_ climate: (linkeTurbidity: [Double], albedo: Double)) -> SolarAnalysis.Settings {
        var s = SolarAnalysis.Settings(
            latitude: space.anchor.latitude, longitude: space.anchor.longitude,
            linkeTurbidity: climate.linkeTurbidity)
        s.year = settings.year
        s.stepHours = settings.solarStepHours
        s.spacingM = settings.solarSpacingM
        s.skyRays = settings.skyRays
        s.albedo = climate.albedo
        s.altitude = space.anchor.height
        return s
    }

    /// The roofs the change can shade (or unshade), analysed with today's and the proposed scene.
    func solar(climate: (linkeTurbidity: [Double], albedo: Double), progress: @escaping @Sendable (Double) -> Void)
        throws -> Effects.Solar
    {
        let scene = proposal.sunScene(buildings)
        let changed = (scene.added + scene.removed).flatMap { $0.triangles.flatMap { [$0.0, $0.1, $0.2] } }
        let lo = changed.reduce(SIMD3(repeating: Double.infinity)) { pointwiseMin($0, $1) }
        let hi = changed.reduce(SIMD3(repeating: -Double.infinity)) { pointwiseMax($0, $1) }
        let sunSettings = solarSettings(climate)
        func building(_ b: SpaceBuildings.Building) -> SolarAnalysis.Building {
            SolarAnalysis.Building(id: b.id, triangles: b.triangles)
        }
        let today = (scene.staying + scene.removed).map(building)
        let proposed = (scene.staying + scene.added).map(building)
        let todayAnalysis = try SolarAnalysis(scene: today, settings: sunSettings)
        // Only the roofs whose rays can reach the changed buildings are analysed again (exactly).
        let near = try todayAnalysis.affected(by: lo, hi, among: Array(scene.staying.indices))
        let nearSet = Set(near)
        let before =
            near.isEmpty
            ? nil : try todayAnalysis.run(only: nearSet, threads: settings.threads) { progress(0.45 * $0) }
        let after = try SolarAnalysis(scene: proposed, settings: sunSettings).run(
            only: nearSet.union(scene.staying.count..<proposed.count), threads: settings.threads
        ) { progress(0.45 + 0.55 * $0) }
        let afterById = Dictionary(after.buildings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var roofs: [Effects.Roof] = []
        var lost = 0.0
        var gained = 0.0
        for b in before?.buildings ?? [] {
            guard let a = afterById[b.id], b.roofAreaM2 > 0 else { continue }
            let beforeKWh = b.meanKWhPerM2 * b.roofAreaM2
            let afterKWh = a.meanKWhPerM2 * a.roofAreaM2
            let delta = afterKWh - beforeKWh
            if delta < 0 { lost -= delta } else { gained += delta }
            let percent = beforeKWh > 0 ? 100 * delta / beforeKWh : 0
            guard abs(percent) >= 0.05 else { continue }
            roofs.append(
                Effects.Roof(
                    id: b.id, name: buildings.buildings.first { $0.id == b.id }?.name, roofAreaM2: b.roofAreaM2,
                    beforeKWh: beforeKWh, afterKWh: afterKWh, deltaKWh: delta, deltaPercent: percent))
        }
        roofs.sort { abs($0.deltaKWh) > abs($1.deltaKWh) }
        let proposedRoofs = scene.added.compactMap { added -> Effects.ProposedRoof? in
            guard let r = afterById[added.id] else { return nil }
            return Effects.ProposedRoof(
                id: r.id, roofAreaM2: r.roofAreaM2, kwhPerM2: r.meanKWhPerM2, annualKWh: r.meanKWhPerM2 * r.roofAreaM2)
        }
        return Effects.Solar(
            year: settings.year, roofs: roofs, roofsChecked: near.count, lostKWh: lost, gainedKWh: gained,
            proposed: proposedRoofs)
    }

    /// Added shadow steps on the ground at the winter and summer solstices.
    func shadow(progress: @escaping @Sendable (Double) -> Void) throws -> Effects.Shadow {
        let scene = proposal.sunScene(buildings)
        func bvh(_ list: [SpaceBuildings.Building]) -> BVH? {
            let t = list.flatMap(\.triangles).map { (BVH.Vec($0.0), BVH.Vec($0.1), BVH.Vec($0.2)) }
            return t.isEmpty ? nil : BVH(triangles: t)
        }
        let staying = bvh(scene.staying)
        let added = bvh(scene.added)
        let removed = bvh(scene.removed)
        let site = SolarPosition.Site(
            latitude: space.anchor.latitude, longitude: space.anchor.longitude, elevationM: space.anchor.height)
        let days = [(month: 12, day: 22), (month: 6, day: 21)]
        let suns = try days.map {
            try ShadowHours.suns(
                year: settings.year, month: $0.month, day: $0.day, timeZone: timeZone,
                fromHour: settings.shadowFromHour,
                toHour: settings.shadowToHour, stepMinutes: settings.shadowStepMin, site: site)
        }
        // The grid reaches as far as the changed buildings' shadows fall in the window (low winter
        // suns throw long ones), within the space.
        let changed = (scene.added + scene.removed).flatMap { $0.triangles.flatMap { [$0.0, $0.1, $0.2] } }
        guard !changed.isEmpty else { throw FieldProblem("changes", "the changed buildings have no geometry") }
        let tallest = (changed.map(\.z).max() ?? 0) - space.ground.z
        let lowest = suns.flatMap { $0 }.map(\.z).min() ?? 1
        let reach = min(tallest * (1 - lowest * lowest).squareRoot() / max(lowest, 0.05), 1500)
        let lo = SIMD2(
            max(space.bounds.minX, changed.map(\.x).min()! - reach),
            max(space.bounds.minY, changed.map(\.y).min()! - reach))
        let hi = SIMD2(
            min(space.bounds.maxX, changed.map(\.x).max()! + reach),
            min(space.bounds.maxY, changed.map(\.y).max()! + reach))
        let grid = ShadowHours.Grid(lo: lo, hi: hi, cellM: settings.shadowCellM, cellsMax: settings.shadowCellsMax)
        // Cells inside a building, today's or the plan's, have no ground to shade.
        let footprints = buildings.buildings.flatMap(\.footprints) + proposal.added.map(\.ring)
        var inside = [Bool](repeating: false, count: grid.count)
        for polygon in footprints {
            let (a, b) = polygon.boundingBox
            let c0 = max(0, Int(((a.x - grid.originE) / grid.cellM).rounded(.down)))
            let c1 = min(grid.cols - 1, Int(((b.x - grid.originE) / grid.cellM).rounded(.down)))
            let r0 = max(0, Int(((a.y - grid.originN) / grid.cellM).rounded(.down)))
            let r1 = min(grid.rows - 1, Int(((b.y - grid.originN) / grid.cellM).rounded(.down)))
            guard c0 <= c1, r0 <= r1 else { continue }
            for r in r0...r1 {
                for c in c0...c1 {
                    let i = r * grid.cols + c
                    let p = grid.centre(i)
                    if polygon.contains(Point(p.x, p.y)) { inside[i] = true }
                }
            }
        }
        var solstices: [Effects.Solstice] = []
        for (k, day) in days.enumerated() {
            var steps = ShadowHours.added(
                staying: staying, added: added, removed: removed, grid: grid, groundZ: space.ground.z, suns: suns[k]
            ) { progress((Double(k) + $0) / 2) }
            var maxSteps = 0
            var over2h = 0
            let twoHours = 120 / settings.shadowStepMin
            for i in steps.indices {
                if inside[i] {
                    steps[i] = -128
                    continue
                }
                maxSteps = max(maxSteps, Int(steps[i]))
                if Int(steps[i]) >= twoHours { over2h += 1 }
            }
            let bytes = Data(steps.map { UInt8(bitPattern: $0) })
            solstices.append(
                Effects.Solstice(
                    date: String(format: "%04d-%02d-%02d", settings.year, day.month, day.day),
                    addedSteps: bytes.base64EncodedString(),
                    maxAddedH: Double(maxSteps * settings.shadowStepMin) / 60, cellsOver2h: over2h))
        }
        return Effects.Shadow(
            originE: grid.originE, originN: grid.originN, cellM: grid.cellM, cols: grid.cols, rows: grid.rows,
            stepMin: settings.shadowStepMin, from: String(format: "%02d:00", settings.shadowFromHour),
            to: String(format: "%02d:00", settings.shadowToHour), winter: solstices[0], summer: solstices[1])
    }

    /// The crowd scenario on today's ground and on the plan's.
    func crowd(progress: @escaping @Sendable (Double) -> Void) throws -> Effects.Crowd {
        guard let today = proposal.scenario else { throw FieldProblem("changes", "no crowd scenario") }
        var planned = today
        planned.walkable = proposal.walkable(today.walkable, buildings: buildings)
        var runs: [Effects.CrowdRun] = []
        var peaks: [DensityRecorder] = []
        for (k, scenario) in [today, planned].enumerated() {
            let simulation = try CrowdSimulation(scenario: scenario, file: "scenario", workers: settings.threads)
            let (summary, density) = simulation.run { share, _ in progress((Double(k) + share) / 2) }
            runs.append(
                Effects.CrowdRun(
                    agents: summary.agents, exited: summary.exited, evacuationS: summary.evacuation_time_s,
                    peakDensity: summary.max_density_ppm2))
            peaks.append(density)
        }
        // Both runs share the outer ring, so their grids are the same.
        let grid = peaks[0]
        func bytes(_ d: DensityRecorder) -> String {
            Data(d.peak.map { UInt8(min(255, max(0, ($0 * 20).rounded()))) }).base64EncodedString()
        }
        let map =
            peaks[1].cols == grid.cols && peaks[1].rows == grid.rows
            ? Effects.DensityMap(
                originE: grid.minX, originN: grid.minY, cellM: grid.cellM, cols: grid.cols, rows: grid.rows,
                today: bytes(peaks[0]), proposed: bytes(peaks[1])) : nil
        return Effects.Crowd(today: runs[0], proposed: runs[1], densityCellM: today.densityCellM, density: map)
    }
}
