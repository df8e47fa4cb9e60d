import Testing
import WorldModel

@testable import Simulation

/// The neighbour grid and its one walk, which both crowd models and the spawn check use.
@Suite struct AgentGridTests {
    /// `count` agents at random in the 30 m × 20 m box from (0, 0).
    static func agents(_ count: Int, seed: UInt64) -> Agents {
        var rng = SplitMix64(seed: seed)
        var agents = Agents()
        for k in 0..<count {
            agents.append(
                Agents.Row(
                    x: Double.random(in: 0..<30, using: &rng), y: Double.random(in: 0..<20, using: &rng), ox: 1,
                    oy: 0, v0: 1.3, radiusM: 0.2, timeGapS: 1, goal: 0, group: 0, startS: 0, routeM: 0,
                    id: UInt32(k)))
        }
        return agents
    }

    /// The slots the walk passes for a query, in the order it passes them.
    static func slots(_ grid: AgentGrid, x: Double, y: Double, reachM: Double) -> [Int] {
        grid.start.withUnsafeBufferPointer { start in
            Array(grid.slots(aroundX: x, y: y, reachM: reachM, start: start))
        }
    }

    @Test func theWalkPassesEveryoneWithinReachOnceAndOnlyCellsNearby() {
        var rng = SplitMix64(seed: 5)
        for count in [0, 1, 7, 300] {
            let agents = Self.agents(count, seed: UInt64(count))
            var grid = AgentGrid(minX: 0, minY: 0, maxX: 30, maxY: 20, cellM: 1.5)
            grid.rebuild(agents)
            for _ in 0..<200 {
                // Queries also beyond the edges, where the walk must clamp to the grid.
                let x = Double.random(in: -4..<34, using: &rng)
                let y = Double.random(in: -4..<24, using: &rng)
                for reach in [0.5, 1, 2.5, 3] {
                    let slots = Self.slots(grid, x: x, y: y, reachM: reach)
                    let ids = slots.map { Int(grid.order[$0]) }
                    #expect(Set(slots).count == slots.count, "no slot twice")
                    let within = agents.x.indices.filter {
                        let dx = agents.x[$0] - x
                        let dy = agents.y[$0] - y
                        return dx * dx + dy * dy <= reach * reach
                    }
                    #expect(Set(within).isSubset(of: ids), "\(count) agents, (\(x), \(y)) ± \(reach) m: none missed")
                    // Only cells near the square are walked: those overlapping it and, for a query
                    // west or south of the grid, its first column or row.
                    let near = reach + 2 * grid.cellM
                    for k in slots { #expect(abs(grid.sx[k] - x) <= near && abs(grid.sy[k] - y) <= near) }
                }
            }
        }
    }

    @Test func theWalkGoesRowByRowWestToEast() {
        let agents = Self.agents(300, seed: 9)
        var grid = AgentGrid(minX: 0, minY: 0, maxX: 30, maxY: 20, cellM: 1.5)
        grid.rebuild(agents)
        let slots = Self.slots(grid, x: 15, y: 10, reachM: 3)
        #expect(slots == slots.sorted(), "slots ascend: cells are stored row by row, west to east")
        let cells = slots.map { grid.cell(grid.sx[$0], grid.sy[$0]) }
        #expect(cells == cells.sorted())
    }

    @Test func ghostsAndFixedObstaclesAreWalkedAsNobody() {
        var agents = Agents()
        agents.append(
            Agents.Row(
                x: 2.5, y: 2, ox: 1, oy: 0, v0: 1.3, radiusM: 0.2, timeGapS: 1, goal: 0, group: 0, startS: 0,
                routeM: 0, id: 1))
        var grid = AgentGrid(minX: 0, minY: 0, maxX: 30, maxY: 4, cellM: 1.5)
        // A corridor from x = 2 to 28: the agent at 2.5 is also seen at 28.5, past the east end.
        grid.rebuild(agents, periodic: 2...28, reach: 3, fixed: [(x: 15, y: 2, radius: 0.25)])
        let east = Self.slots(grid, x: 27.5, y: 2, reachM: 1.5)
        #expect(east.map { grid.order[$0] } == [-1] && east.map { grid.sx[$0] } == [28.5])
        let middle = Self.slots(grid, x: 15, y: 2, reachM: 1)
        #expect(middle.map { grid.order[$0] } == [-1] && middle.map { grid.sr[$0] } == [0.25])
        let west = Self.slots(grid, x: 2, y: 2, reachM: 1)
        #expect(west.map { grid.order[$0] } == [0])
    }
}
