import Foundation
import Testing
import WorldModel

@testable import Simulation

/// A crowd moved to another node carries on exactly as it would have: same agents, same random
/// draws (inflow places), same clock.
@Suite struct CrowdCheckpointTests {
    static let text = SimulationTests.scenario(
        extra: """

            [[groups]]
            name = "late"
            inflow = 4.0
            inflow_until = 20
            area = "POLYGON ((1 1, 5 1, 5 5, 1 5, 1 1))"
            goal = "out"
            """)

    @Test func aResumedCrowdContinuesStepForStep() throws {
        let scenario = try Scenario.parse(Self.text)
        let original = try CrowdSimulation(scenario: scenario, workers: 1)
        for _ in 0..<300 { original.step() }
        // Through JSON, as it travels between nodes.
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let checkpoint = try decoder.decode(
            CrowdCheckpoint.self, from: try encoder.encode(original.checkpoint()))
        let resumed = try CrowdSimulation(scenario: try Scenario.parse(Self.text), resuming: checkpoint)
        #expect(resumed.agentIds == original.agentIds && resumed.time == original.time)
        for _ in 0..<500 {
            original.step()
            resumed.step()
        }
        #expect(original.placed > 50, "the inflow placed people after the checkpoint: \(original.placed)")
        #expect(resumed.agentIds == original.agentIds)
        #expect(resumed.x == original.x && resumed.y == original.y, "bit for bit the same positions")
        #expect(resumed.exited == original.exited && resumed.placed == original.placed)
    }

    @Test func aCheckpointOfAnotherScenarioIsRefused() throws {
        let original = try CrowdSimulation(scenario: try Scenario.parse(Self.text), workers: 1)
        let other = try Scenario.parse(SimulationTests.scenario())
        #expect(throws: CheckpointMismatch.self) {
            try CrowdSimulation(scenario: other, resuming: original.checkpoint())
        }
    }

    @Test func densityAlertsCarryOn() {
        func recorder() -> DensityRecorder {
            DensityRecorder(bounds: (Point(0, 0), Point(10, 10)), cellM: 1, keepsCSV: false)
        }
        let xs = [Double](repeating: 2.5, count: 40)
        let ys = [Double](repeating: 2.5, count: 40)
        var original = recorder()
        original.record(t: 0, x: xs, y: ys, alertDensity: 2, alertDurationS: 4)
        original.record(t: 2, x: xs, y: ys, alertDensity: 2, alertDurationS: 4)
        var moved = recorder()
        moved.resume(original.checkpoint)
        var fresh = recorder()
        original.record(t: 4, x: xs, y: ys, alertDensity: 2, alertDurationS: 4)
        moved.record(t: 4, x: xs, y: ys, alertDensity: 2, alertDurationS: 4)
        fresh.record(t: 4, x: xs, y: ys, alertDensity: 2, alertDurationS: 4)
        #expect(!original.alerts.isEmpty, "over the limit since t = 0: 4 s at t = 4")
        #expect(moved.alerts == original.alerts, "the moved recorder remembers since when")
        #expect(fresh.alerts.isEmpty, "a recorder starting afresh would wait 4 s more")
    }
}
