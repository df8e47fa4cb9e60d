import Foundation
import Testing
import WorldModel

@testable import Simulation

/// RiMEA test 4: the fundamental diagram of a periodic corridor against Weidmann (1993).
@Suite struct FundamentalDiagramTests {
    /// Weidmann's speed–density relation for walkways (m/s at persons/m²).
    static func weidmann(_ density: Double) -> Double {
        1.34 * (1 - exp(-1.913 * (1 / density - 1 / 5.4)))
    }

    /// Mean walking speed in a 26 m × 4 m periodic corridor at `density`, after a warm-up; everyone
    /// has Weidmann's free speed (1.34 m/s), as fundamental-diagram studies set it up.
    static func measuredSpeed(density: Double, model: String = "collision-free-speed") throws -> Double {
        let count = Int((density * 26 * 4).rounded())
        let text = """
            [model]
            name = "\(model)"
            dt = 0.01
            [geometry]
            walkable = "POLYGON ((0 0, 30 0, 30 4, 0 4, 0 0))"
            periodic_x = [2, 28]
            [[exits]]
            id = "east"
            area = "POLYGON ((29.5 0, 30 0, 30 4, 29.5 4, 29.5 0))"
            [[groups]]
            count = \(count)
            area = "POLYGON ((2 0, 28 0, 28 4, 2 4, 2 0))"
            placement = "random"
            goal = "east"
            radius = 0.18
            speed = { mean = 1.34, sd = 0 }
            [run]
            seed = 3
            """
        let simulation = try CrowdSimulation(scenario: try Scenario.parse(text), workers: 2)
        for _ in 0..<1500 { simulation.step() }
        var travelled = 0.0
        let steps = 2000
        for _ in 0..<steps {
            let before = simulation.x
            simulation.step()
            for i in before.indices {
                var dx = simulation.x[i] - before[i]
                if dx < -13 { dx += 26 } else if dx > 13 { dx -= 26 }
                travelled += dx
            }
        }
        #expect(simulation.agentCount == count, "nobody leaves a periodic corridor")
        return travelled / Double(count) / (Double(steps) * 0.01)
    }

    @Test(arguments: [0.5, 1.0, 1.5, 2.0, 3.0])
    func speedFollowsWeidmann(density: Double) throws {
        let speed = try Self.measuredSpeed(density: density)
        let expected = Self.weidmann(density)
        print(
            "density \(density) /m²: \(String(format: "%.3f", speed)) m/s, Weidmann \(String(format: "%.3f", expected))"
        )
        // Stated tolerance: within 0.25 m/s of Weidmann's curve (the speed model is not fitted to it).
        #expect(abs(speed - expected) <= 0.25, "at \(density) /m²: \(speed) m/s, Weidmann \(expected) m/s")
    }
}
