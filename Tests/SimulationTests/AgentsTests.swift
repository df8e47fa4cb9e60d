import Testing

@testable import Simulation

/// The crowd's storage: rows in, leavers out with the survivors kept in order with every field, and
/// the step's motion views swapped in.
@Suite struct AgentsTests {
    /// A row whose every field tells which agent `k` it is, so a field copied from the wrong row shows.
    static func row(_ k: Int) -> Agents.Row {
        let v = Double(k)
        return Agents.Row(
            x: v + 0.1, y: v + 0.2, ox: v + 0.3, oy: v + 0.4, v0: v + 0.5, radiusM: v + 0.6, timeGapS: v + 0.7,
            goal: Int32(k % 3), group: Int32(k + 10), startS: v + 0.8, routeM: v + 0.9, id: UInt32(k + 100))
    }

    static func agents(_ count: Int) -> Agents {
        var agents = Agents()
        for k in 0..<count { agents.append(row(k)) }
        return agents
    }

    static func rows(_ agents: Agents) -> [Agents.Row] { (0..<agents.count).map { agents[$0] } }

    /// Every column has one entry per agent.
    static func columnsAgree(_ a: Agents) -> Bool {
        let n = a.count
        return [a.y.count, a.ox.count, a.oy.count, a.v0.count, a.radius.count, a.timeGap.count, a.startS.count]
            .allSatisfy { $0 == n } && a.goal.count == n && a.group.count == n && a.routeM.count == n
            && a.id.count == n
    }

    @Test func appendAddsARowToTheEndOfEveryColumn() {
        var agents = Agents()
        #expect(agents.isEmpty && agents.count == 0)
        for k in 0..<5 {
            agents.append(Self.row(k))
            #expect(agents.count == k + 1 && Self.columnsAgree(agents))
            #expect(agents[k] == Self.row(k), "row \(k) reads back as appended")
        }
        #expect(Self.rows(agents) == (0..<5).map(Self.row))
        #expect(agents.x == [0.1, 1.1, 2.1, 3.1, 4.1] && agents.id == [100, 101, 102, 103, 104])
        #expect(agents.radius == [0.6, 1.6, 2.6, 3.6, 4.6] && agents.timeGap == [0.7, 1.7, 2.7, 3.7, 4.7])
    }

    /// Every subset of leavers of every crowd of up to 7 agents.
    @Test func compactKeepsExactlyTheSurvivorsInTheirOrderWithAllTheirFields() {
        for n in 0...7 {
            for mask in 0..<(1 << n) {
                var agents = Self.agents(n)
                let leaving = (0..<n).filter { mask & (1 << $0) != 0 }
                agents.compact(removing: leaving)
                let expected = (0..<n).filter { mask & (1 << $0) == 0 }.map(Self.row)
                #expect(Self.rows(agents) == expected, "\(n) agents, leaving \(leaving)")
                #expect(Self.columnsAgree(agents))
            }
        }
    }

    @Test func compactThenAppendContinuesAfterTheSurvivors() {
        var agents = Self.agents(4)
        agents.compact(removing: [0, 2])
        agents.append(Self.row(9))
        #expect(Self.rows(agents) == [Self.row(1), Self.row(3), Self.row(9)])
    }

    @Test func moveSwapsInTheWrittenMotionAndLeavesTheOtherColumns() {
        var agents = Self.agents(3)
        let before = agents
        var next = Agents.Motion()
        agents.move(using: &next) { out in
            #expect(out.x.count == 3 && out.y.count == 3 && out.ox.count == 3 && out.oy.count == 3)
            for i in 0..<3 {
                out.x[i] = before.x[i] + 10
                out.y[i] = before.y[i] + 20
                out.ox[i] = -before.ox[i]
                out.oy[i] = -before.oy[i]
            }
        }
        #expect(agents.x == before.x.map { $0 + 10 } && agents.y == before.y.map { $0 + 20 })
        #expect(agents.ox == before.ox.map { -$0 } && agents.oy == before.oy.map { -$0 })
        #expect(agents.v0 == before.v0 && agents.radius == before.radius && agents.id == before.id)
        #expect(agents.goal == before.goal && agents.group == before.group && agents.routeM == before.routeM)
        #expect(agents.timeGap == before.timeGap && agents.startS == before.startS)
        // The old columns are the next step's scratch.
        #expect(next.x == before.x && next.y == before.y && next.ox == before.ox && next.oy == before.oy)
    }

    @Test func moveSizesTheScratchToTheCrowdAsItChanges() {
        var agents = Self.agents(5)
        var next = Agents.Motion()
        for size in [5, 2, 0, 6] {
            if agents.count > size { agents.compact(removing: Array(size..<agents.count)) }
            while agents.count < size { agents.append(Self.row(agents.count)) }
            var written = -1
            agents.move(using: &next) { out in
                for i in 0..<out.x.count {
                    out.x[i] = 7
                    out.y[i] = 8
                    out.ox[i] = 0
                    out.oy[i] = 1
                }
                written = out.x.count
            }
            #expect(written == size && agents.count == size && Self.columnsAgree(agents))
            #expect(agents.x.allSatisfy { $0 == 7 } && agents.oy.allSatisfy { $0 == 1 })
        }
    }
}
