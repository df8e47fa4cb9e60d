import Foundation
import Testing
import WorldModel

@testable import Simulation

/// Every scenario under `scenarios/` loads and sets up; the RiMEA cases meet their pass criteria.
@Suite struct ShippedScenarioTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func scenario(_ path: String) throws -> Scenario {
        try Scenario.load(file: root.appendingPathComponent("scenarios/\(path)"), spaces: spaces)
    }

    static let spaces: [String: Space] = {
        let dirs = ["worlds/gwangju", "worlds/seoul"].map { root.appendingPathComponent($0) }
        let world = try? ManifestLoader.loadWorld(directories: dirs)
        return Dictionary(uniqueKeysWithValues: (world?.spaces ?? []).map { ($0.id, $0) })
    }()

    static func run(_ path: String) throws -> RunSummary {
        try CrowdSimulation(scenario: try scenario(path), workers: 2).run().0
    }

    @Test func everyShippedScenarioLoadsAndPlacesItsAgents() throws {
        let files = try FileManager.default.subpathsOfDirectory(
            atPath: Self.root.appendingPathComponent("scenarios").path
        )
        .filter { $0.hasSuffix(".toml") }.sorted()
        #expect(files.count >= 10)
        for file in files {
            let simulation = try CrowdSimulation(scenario: try Self.scenario(file), file: file, workers: 2)
            simulation.step()
            let inflow = simulation.scenario.groups.contains { $0.inflow != nil }
            #expect(simulation.agentCount > 0 || inflow, "\(file) placed nobody")
        }
    }

    @Test func rimea1WalksFortyMetresInTime() throws {
        let summary = try Self.run("rimea/rimea-01-straight-line.toml")
        let t = try #require(summary.evacuation_time_s)
        #expect((26...34).contains(t), "40 m in \(t) s")
    }

    @Test func rimea6EveryoneGoesRoundTheCornerInsideTheWalls() throws {
        let simulation = try CrowdSimulation(scenario: try Self.scenario("rimea/rimea-06-corner.toml"), workers: 1)
        var outside = 0
        while simulation.agentCount > 0 && simulation.time < 120 {
            simulation.step()
            for i in 0..<simulation.agentCount
            where !simulation.scenario.walkable.contains(Point(simulation.x[i], simulation.y[i])) {
                outside += 1
            }
        }
        #expect(simulation.exited == 20 && outside == 0)
    }

    @Test func rimea9ClosingHalfTheExitsAboutDoublesTheTime() throws {
        let four = try #require(try Self.run("rimea/rimea-09-hall-4-exits.toml").evacuation_time_s)
        let two = try #require(try Self.run("rimea/rimea-09-hall-2-exits.toml").evacuation_time_s)
        #expect((1.6...2.6).contains(two / four), "4 exits \(four) s, 2 exits \(two) s")
    }

    @Test func rimea10EveryoneTakesTheAssignedExit() throws {
        let summary = try Self.run("rimea/rimea-10-routes.toml")
        #expect(summary.exited_by_exit == ["west": 20, "east": 20])
    }
}
