import Foundation
import Realtime
import Simulation
import Synchronization
import WorldModel

/// A crowd scenario running inside a live space: the Simulation module's crowd seen through the
/// Realtime module's `LiveCrowd`. After `start` only the space's tick thread touches the simulation;
/// what HTTP may read (counts, density, alerts) is published under a lock once a second.
final class SimulatedCrowd: LiveCrowd, @unchecked Sendable {
    /// What `GET …/simulations` and the density overlay show.
    struct Published: Encodable, Sendable {
        var id: String
        var space: String
        var agents: Int
        var exited: Int
        var simulatedTimeS: Double
        var alerts: [CrowdAlert]
        var density: DensityGrid?
    }

    /// The latest density frame: persons per m² per cell, row by row from the south-west corner.
    struct DensityGrid: Encodable, Sendable {
        var minX: Double
        var minY: Double
        var cellM: Double
        var cols: Int
        var rows: Int
        var personsPerM2: [Float]
    }

    let id: String
    let space: String
    /// The scenario as given (TOML), so another node can read it again when the space moves there.
    let scenarioText: String
    private let simulation: CrowdSimulation
    private var density: DensityRecorder
    private let published: Mutex<Published>
    /// Avatars are this wide to the digital humans (metres).
    static let avatarRadiusM = 0.25

    init(id: String, space: String, scenarioText: String, simulation: CrowdSimulation) {
        self.id = id
        self.space = space
        self.scenarioText = scenarioText
        self.simulation = simulation
        density = DensityRecorder(
            bounds: simulation.scenario.walkable.outer.boundingBox, cellM: simulation.scenario.densityCellM,
            keepsCSV: false)
        published = Mutex(
            Published(
                id: id, space: space, agents: simulation.agentCount, exited: simulation.exited,
                simulatedTimeS: simulation.time, alerts: [], density: nil))
    }

    func advance(by seconds: Double, avatars: [(x: Double, y: Double)]) {
        simulation.fixedObstacles = avatars.map { ($0.x, $0.y, Self.avatarRadiusM) }
        simulation.advance(by: seconds)
    }

    func forEachAgent(_ body: (UInt32, Float, Float, Float) -> Void) {
        for i in 0..<simulation.agentCount {
            let a = simulation.agent(i)
            body(a.id, Float(a.x), Float(a.y), Float(a.heading))
        }
    }

    func recordDensity() -> [String] {
        let before = density.alerts.count
        let s = simulation.scenario
        density.record(
            t: simulation.time, x: simulation.x, y: simulation.y, alertDensity: s.alertDensity,
            alertDurationS: s.alertDurationS)
        let grid = DensityGrid(
            minX: density.minX, minY: density.minY, cellM: density.cellM, cols: density.cols, rows: density.rows,
            personsPerM2: density.lastFrame)
        let snapshot = Published(
            id: id, space: space, agents: simulation.agentCount, exited: simulation.exited,
            simulatedTimeS: simulation.time, alerts: density.alerts, density: grid)
        published.withLock { $0 = snapshot }
        return density.alerts[before...].map {
            String(
                format: "Crowd alert (%@): %.1f persons/m² for %.0f s near (%.0f, %.0f) m", id, $0.density_ppm2,
                s.alertDurationS, $0.x, $0.y)
        }
    }

    var finished: Bool {
        (simulation.agentCount == 0 && !simulation.hasPendingInflow) || simulation.time >= simulation.scenario.maxTimeS
    }

    var snapshot: Published { published.withLock { $0 } }

    /// What moves to the next node with the space: the scenario's text and where the crowd is in it.
    struct Checkpoint: Codable {
        var scenario: String
        var simulation: CrowdCheckpoint
        var density: DensityRecorder.Checkpoint
    }

    /// Infinities (an empty extent's minimum) travel as strings.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    func checkpoint() -> Data? {
        try? Self.encoder().encode(
            Checkpoint(scenario: scenarioText, simulation: simulation.checkpoint(), density: density.checkpoint))
    }

    /// The crowd of `state` (a `checkpoint()` from another node) carrying on in `handle`'s space;
    /// throws when the scenario no longer reads or fits, or the state does not match it.
    static func revive(id: String, state: Data, in handle: SpaceHandle) throws -> SimulatedCrowd {
        let checkpoint = try decoder().decode(Checkpoint.self, from: state)
        let scenario = try Scenario.parse(checkpoint.scenario, file: "scenario.toml", spaces: [handle.id: handle.space])
        try SimulationsController.check(scenario, fits: handle.space)
        let simulation = try CrowdSimulation(scenario: scenario, resuming: checkpoint.simulation, workers: 1)
        guard simulation.agentCount <= SimulationsController.agentsMax else {
            throw CheckpointMismatch(description: "more agents than a live crowd has")
        }
        let crowd = SimulatedCrowd(id: id, space: handle.id, scenarioText: checkpoint.scenario, simulation: simulation)
        crowd.density.resume(checkpoint.density)
        return crowd
    }
}
