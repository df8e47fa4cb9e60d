import Foundation
import Testing
import WorldModel

@testable import Simulation

/// The crowd model, its routing and its scenarios, in process.
@Suite struct SimulationTests {
    static func scenario(
        walkable: String = "POLYGON ((0 0, 20 0, 20 20, 0 20, 0 0))",
        exit: String = "POLYGON ((19 8, 20 8, 20 12, 19 12, 19 8))",
        group: String = """
        count = 50
        area = "POLYGON ((1 1, 10 1, 10 19, 1 19, 1 1))"
        placement = "random"
        goal = "out"
        """,
        extra: String = ""
    ) -> String {
        """
        [model]
        dt = 0.01
        [geometry]
        walkable = "\(walkable)"
        [[exits]]
        id = "out"
        area = "\(exit)"
        [[groups]]
        \(group)
        [run]
        max_time = 300
        seed = 7
        \(extra)
        """
    }

    func error(_ text: String) -> ScenarioError? {
        do {
            let s = try Scenario.parse(text, file: "t.toml")
            _ = try CrowdSimulation(scenario: s, file: "t.toml", workers: 1)
            return nil
        } catch let e as ScenarioError {
            return e
        } catch {
            return nil
        }
    }

    @Test func wktReadsHolesAndRefusesGarbage() throws {
        let (outer, holes) = try WKT.polygon("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))")
        #expect(outer.points.count == 4 && holes.count == 1)
        #expect(Walkable(outer: outer, holes: holes).area == 96)
        for bad in ["POINT (1 2)", "POLYGON ((0 0, 1 1))", "POLYGON ((0 0, 1 x, 2 2))", "POLYGON (0 0, 1 0, 1 1)"] {
            #expect(throws: WKT.ParseError.self, "\(bad)") { _ = try WKT.polygon(bad) }
        }
    }

    @Test func badScenariosNameFileKeyAndReason() {
        let unknown = error(Self.scenario(extra: "colour = \"red\""))
        #expect(unknown?.file == "t.toml" && unknown?.key == "run.colour")
        #expect(error(Self.scenario(walkable: "POLYGON ((0 0, 20 0))"))?.key == "geometry.walkable")
        #expect(error(Self.scenario(exit: "POLYGON ((50 50, 51 50, 51 51, 50 51, 50 50))"))?.key == "exits[0].area")
        let wrongGoal = Self.scenario(
            group: "count = 5\narea = \"POLYGON ((1 1, 5 1, 5 5, 1 5, 1 1))\"\ngoal = \"nowhere\"")
        #expect(error(wrongGoal)?.key == "groups[0].goal")
        let tooMany = Self.scenario(
            group: "count = 5000\narea = \"POLYGON ((1 1, 5 1, 5 5, 1 5, 1 1))\"\ngoal = \"out\"")
        #expect(error(tooMany)?.reason.contains("do not fit") == true)
        // Agents placed inside a building (a hole) have nowhere to stand.
        let walled = Self.scenario(
            walkable: "POLYGON ((0 0, 20 0, 20 20, 0 20, 0 0), (2 2, 8 2, 8 8, 2 8, 2 2))",
            group: "count = 5\narea = \"POLYGON ((3 3, 7 3, 7 7, 3 7, 3 3))\"\ngoal = \"out\"")
        #expect(error(walled)?.reason.contains("inside walls") == true)
        // A room sealed off from the exit by a wall: nobody can reach it.
        let sealed = Self.scenario(
            walkable: "POLYGON ((0 0, 20 0, 20 20, 0 20, 0 0), (12 -1, 13 -1, 13 21, 12 21, 12 -1))",
            group: "count = 5\narea = \"POLYGON ((1 1, 10 1, 10 19, 1 19, 1 1))\"\ngoal = \"out\"")
        #expect(error(sealed)?.reason.contains("reach") == true)
        #expect(error("[model]\ndt = 5")?.key == "geometry", "the first problem is reported")
        // Speeds: a normal or a uniform distribution, not half of each; a range the right way round.
        let area = "count = 5\narea = \"POLYGON ((1 1, 5 1, 5 5, 1 5, 1 1))\"\ngoal = \"out\"\n"
        let speeds = [
            "speed = { min = 1.5, max = 1.2 }": "groups[0].speed.max",
            "speed = { min = 1.2 }": "groups[0].speed.max",
            "speed = { mean = 1.3, min = 1.2, max = 1.4 }": "groups[0].speed.min",
            "speed = { mean = 9 }": "groups[0].speed.mean",
            "spacing = 0.3": "groups[0].spacing",
        ]
        for (line, key) in speeds { #expect(error(Self.scenario(group: area + line))?.key == key, "\(line)") }
        let twins = Self.scenario(group: area + "name = \"a\"", extra: "\n[[groups]]\n" + area + "name = \"a\"")
        #expect(error(twins)?.key == "groups[1].name")
    }

    @Test func aUniformSpeedRangeIsDrawnWithinItsBounds() throws {
        let text = Self.scenario(
            group:
                "count = 200\narea = \"POLYGON ((1 1, 15 1, 15 15, 1 15, 1 1))\"\nspeed = { min = 1.1, max = 1.3 }\ngoal = \"out\""
        )
        let run = try CrowdSimulation(scenario: try Scenario.parse(text), workers: 1)
        let desired = try #require(run.groupTallies.first?.desired)
        #expect(desired.count == 200 && desired.min >= 1.1 && desired.max <= 1.3)
        // 200 draws from U(1.1, 1.3): the mean is 1.2 ± 0.004 (one standard error), so 0.015 is very safe.
        #expect(abs(try #require(desired.mean) - 1.2) < 0.015 && desired.max - desired.min > 0.15)
    }

    @Test func routesGoAroundABuilding() {
        // A wall from y = 0 to 15 at x = 10: from (5, 5) to the exit at the east, the way is over the top.
        let walkable = Walkable(
            outer: Polygon([Point(0, 0), Point(20, 0), Point(20, 20), Point(0, 20)]),
            holes: [Polygon([Point(9.5, 0), Point(10.5, 0), Point(10.5, 15), Point(9.5, 15)])])
        let field = DistanceField(
            walkable: walkable, goal: Polygon([Point(19, 4), Point(20, 4), Point(20, 6), Point(19, 6)]))
        // Straight east is 14.5 m; over the top of the wall it is about 25 m (more cost near the wall).
        let cost = Double(field.distance(at: Point(5, 5)))
        #expect(cost > 24.5 && cost < 40, "cost \(cost)")
        let d = field.direction(at: Point(5, 5))
        #expect(d.y > 0.5, "heads north, around the wall, not east into it: \(d)")
        #expect(field.distance(at: Point(10, 5)).isInfinite, "inside the wall")
    }

    @Test func aLoneAgentWalksAtItsDesiredSpeed() throws {
        let text = Self.scenario(
            walkable: "POLYGON ((0 0, 40 0, 40 10, 0 10, 0 0))", exit: "POLYGON ((39 0, 40 0, 40 10, 39 10, 39 0))",
            group:
                "count = 1\narea = \"POLYGON ((2 4.5, 3 4.5, 3 5.5, 2 5.5, 2 4.5))\"\nspeed = { mean = 1.2, sd = 0 }\ngoal = \"out\""
        )
        let simulation = try CrowdSimulation(scenario: try Scenario.parse(text), workers: 1)
        let x0 = simulation.x[0]
        for _ in 0..<500 { simulation.step() }
        #expect(abs((simulation.x[0] - x0) - 6.0) < 0.1, "5 s at 1.2 m/s, walked \(simulation.x[0] - x0) m")
    }

    @Test func aSocialForceAgentRelaxesToItsDesiredSpeed() throws {
        let text = Self.scenario(
            walkable: "POLYGON ((0 0, 40 0, 40 10, 0 10, 0 0))", exit: "POLYGON ((39 0, 40 0, 40 10, 39 10, 39 0))",
            group:
                "count = 1\narea = \"POLYGON ((2 4.5, 3 4.5, 3 5.5, 2 5.5, 2 4.5))\"\nspeed = { mean = 1.2, sd = 0 }\ngoal = \"out\"",
            extra: ""
        ).replacingOccurrences(of: "dt = 0.01", with: "name = \"social-force\"\ndt = 0.01")
        let scenario = try Scenario.parse(text)
        #expect(scenario.model == .socialForce && scenario.groups[0].radius == 0.3)
        let simulation = try CrowdSimulation(scenario: scenario, workers: 1)
        let x0 = simulation.x[0]
        for _ in 0..<500 { simulation.step() }
        // From rest, v(t) = v0 (1 − e^(−t/τ)): in 5 s it covers v0 (t − τ (1 − e^(−t/τ))) ≈ 5.4 m.
        let expected = 1.2 * (5 - 0.5 * (1 - exp(-10.0)))
        #expect(abs((simulation.x[0] - x0) - expected) < 0.1, "walked \(simulation.x[0] - x0) m, expected \(expected)")
        let mixed = Self.scenario(extra: "").replacingOccurrences(of: "dt = 0.01", with: "dt = 0.01\nmass = 70")
        #expect(error(mixed)?.key == "model.mass", "a social force key in a speed model scenario")
    }

    @Test func theFollowerKeepsItsTimeGap() throws {
        // Two agents in a line; the one behind may walk only as fast as its spacing over T allows.
        var scenario = try Scenario.parse(
            Self.scenario(
                walkable: "POLYGON ((0 0, 60 0, 60 10, 0 10, 0 0))", exit: "POLYGON ((59 0, 60 0, 60 10, 59 10, 59 0))",
                group: "count = 1\narea = \"POLYGON ((10 4.9, 10.2 4.9, 10.2 5.1, 10 5.1, 10 4.9))\"\ngoal = \"out\""))
        scenario.groups[0].speed = .normal(mean: 0.5, sd: 0)
        let simulation = try CrowdSimulation(scenario: scenario, workers: 1)
        simulation.add(at: Point(9.2, 5), group: 0)
        simulation.agents.v0[1] = 1.5
        for _ in 0..<2000 { simulation.step() }
        let gap = simulation.x[0] - simulation.x[1] - 0.4
        // Steady state: the follower walks at the leader's 0.5 m/s, so its spacing is v × T = 0.5 m.
        #expect(abs(gap - 0.5) < 0.05, "spacing \(gap) m")
    }

    @Test func aRoomEmptiesAndNobodyLeavesTheWalkableArea() throws {
        let simulation = try CrowdSimulation(scenario: try Scenario.parse(Self.scenario()), workers: 2)
        var outside = 0
        while simulation.agentCount > 0 && simulation.time < 300 {
            simulation.step()
            for i in 0..<simulation.agentCount
            where !simulation.scenario.walkable.contains(Point(simulation.x[i], simulation.y[i])) {
                outside += 1
            }
        }
        #expect(simulation.exited == 50 && simulation.agentCount == 0)
        #expect(outside == 0)
    }

    @Test func theSameSeedGivesTheSameRun() throws {
        let text = Self.scenario()
        func summary(seed: UInt64, workers: Int) throws -> RunSummary {
            var scenario = try Scenario.parse(text)
            scenario.seed = seed
            return try CrowdSimulation(scenario: scenario, workers: workers).run().0
        }
        let a = try summary(seed: 7, workers: 2)
        let b = try summary(seed: 7, workers: 1)
        let c = try summary(seed: 8, workers: 2)
        #expect(a.evacuation_time_s == b.evacuation_time_s && a.agent_steps == b.agent_steps)
        #expect(a.mean_exit_time_s == b.mean_exit_time_s, "workers do not change the result")
        #expect(a.agent_steps != c.agent_steps, "another seed, another crowd")
    }

    /// A live crowd's entrance with avatars standing in it: the grid holds them as nobody's
    /// (index −1), and the spawn check trapped on them; newcomers must keep clear of them instead.
    @Test func arrivalsKeepClearOfAvatarsInTheEntrance() throws {
        let text = Self.scenario(
            group: "inflow = 5\ninflow_until = 20\narea = \"POLYGON ((1 1, 5 1, 5 19, 1 19, 1 1))\"\ngoal = \"out\"")
        let simulation = try CrowdSimulation(scenario: try Scenario.parse(text), workers: 1)
        let avatarRadiusM = 0.25
        let avatars = stride(from: 2.0, through: 18, by: 2).map { (x: 3.0, y: $0, radius: avatarRadiusM) }
        simulation.fixedObstacles = avatars
        let clearance = simulation.scenario.groups[0].radius + avatarRadiusM + 0.05
        var seen = Set<UInt32>()
        for _ in 0..<1000 {
            simulation.step()
            // Newcomers stand where they were placed until the next step.
            for i in 0..<simulation.agentCount where seen.insert(simulation.agentIds[i]).inserted {
                let p = Point(simulation.x[i], simulation.y[i])
                let nearest = avatars.map { (Point($0.x, $0.y) - p).length }.min()!
                #expect(nearest > clearance, "agent \(simulation.agentIds[i]) placed \(nearest) m from an avatar")
            }
        }
        #expect(simulation.placed >= 40, "5 a second for 10 s, \(simulation.placed) came in")
    }

    /// Runs `simulation` to its end on another thread. `sending`: region isolation checks that the
    /// caller keeps no reference to it, which is what lets a non-Sendable simulation move.
    static func runElsewhere(_ simulation: sending CrowdSimulation) async -> RunSummary {
        await Task.detached { simulation.run().0 }.value
    }

    @Test func aSimulationHandedToAnotherThreadRunsTheSameThere() async throws {
        let here = try CrowdSimulation(scenario: try Scenario.parse(Self.scenario()), workers: 1).run().0
        let there = await Self.runElsewhere(
            try CrowdSimulation(scenario: try Scenario.parse(Self.scenario()), workers: 1))
        #expect(there.agent_steps == here.agent_steps && there.evacuation_time_s == here.evacuation_time_s)
        #expect(there.mean_exit_time_s == here.mean_exit_time_s)
    }

    @Test func densityAboveTheLevelForLongEnoughRaisesAnAlert() {
        var recorder = DensityRecorder(bounds: (Point(0, 0), Point(10, 10)), cellM: 1)
        // 20 people in the 2 m × 2 m around (5, 5): 5 persons/m², for 12 s.
        let xs = (0..<20).map { 4.1 + Double($0 % 5) * 0.4 }
        let ys = (0..<20).map { 4.1 + Double($0 / 5) * 0.5 }
        for t in 0...12 { recorder.record(t: Double(t), x: xs, y: ys, alertDensity: 4, alertDurationS: 10) }
        #expect(recorder.alerts.count >= 1)
        #expect(recorder.alerts.first?.t_s == 10)
        #expect(recorder.maxDensity == 5)
        #expect(FruinLevel.level(recorder.maxDensity) == "F")
    }
}
