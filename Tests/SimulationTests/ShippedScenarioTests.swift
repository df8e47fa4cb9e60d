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

    /// RiMEA test 7's table (age: count, speed range in m/s), as in the scenario file's header.
    static let speedsByAge: [(age: Int, count: Int, range: ClosedRange<Double>)] = [
        (20, 10, 1.60...1.64), (30, 10, 1.52...1.56), (40, 10, 1.46...1.50), (50, 10, 1.39...1.43),
        (60, 5, 1.27...1.27), (70, 5, 1.07...1.07),
    ]

    @Test func rimea7SpeedsGivenAndWalkedFollowTheAgeTable() throws {
        let summary = try Self.run("rimea/rimea-07-speeds-by-age.toml")
        #expect(summary.agents == 50 && summary.exited == 50)
        try #require(summary.groups.count == Self.speedsByAge.count)
        var walked: [Double] = []
        for (group, row) in zip(summary.groups, Self.speedsByAge) {
            #expect(group.name == "age \(row.age)" && group.agents == row.count && group.exited == row.count)
            let given = try #require(group.desired_speed)
            #expect(
                given.min >= row.range.lowerBound - 1e-3 && given.max <= row.range.upperBound + 1e-3, "\(group.name)")
            // Walked: route length at the start over the time to the exit, within 0.03 m/s of the range.
            let route = try #require(group.route_speed)
            #expect(
                route.min >= row.range.lowerBound - 0.03 && route.max <= row.range.upperBound + 0.03,
                "\(group.name) walked \(route.min)–\(route.max) m/s")
            walked.append(route.mean)
        }
        #expect(zip(walked, walked.dropFirst()).allSatisfy { $0 > $1 }, "slower with age: \(walked)")
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
