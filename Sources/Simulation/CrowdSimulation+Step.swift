import Dispatch
import Foundation
import WorldModel

extension CrowdSimulation {
    /// Advances every agent by `dt`: new positions from the current ones (on `workers` cores when
    /// the crowd is large), then exits, then arrivals.
    public func step() {
        let n = agents.count
        grid.rebuild(
            agents, periodic: scenario.periodicX, reach: max(Self.cutOffM, SocialForceParameters.cutOffM),
            fixed: fixedObstacles)
        moveAgents()
        if let p = scenario.periodicX {
            let length = p.upperBound - p.lowerBound
            for i in agents.x.indices {
                if agents.x[i] >= p.upperBound {
                    agents.x[i] -= length
                } else if agents.x[i] < p.lowerBound {
                    agents.x[i] += length
                }
            }
        }
        time += scenario.dt
        iterations += 1
        agentSteps += n
        removeExited()
        arrive()
    }

    /// Every agent's next position and orientation by the scenario's model, computed from the
    /// current ones by the worker threads, each for its own range of agents in cell order.
    func moveAgents() {
        let n = agents.count
        // What the workers share: values and raw views, not `self`. It ends with this function, so
        // the columns it shares are unshared again before the step changes them in place.
        let kernel = CrowdStep(
            agents: agents, grid: grid, walls: walls, fieldGrid: fieldGrid,
            speedModelParameters: scenario.parameters, socialForceParameters: scenario.socialForce, dt: scenario.dt)
        let social = scenario.model == .socialForce
        let chunks = n >= 1000 ? workers : 1
        let size = (n + chunks - 1) / max(1, chunks)
        withStepView { view in
            agents.move(using: &nextMotion) { out in
                @Sendable func run(_ range: Range<Int>) {
                    if social {
                        kernel.socialForce(range, view: view, into: out)
                    } else {
                        kernel.speedModel(range, view: view, into: out)
                    }
                }
                if chunks == 1 {
                    run(0..<n)
                } else {
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        run(min(n, c * size)..<min(n, (c + 1) * size))
                    }
                }
            }
        }
    }

    /// Calls `body` with raw views of the neighbour grid's cell-ordered copies, the route
    /// directions and the walls (valid during `body` only).
    func withStepView(_ body: (StepView) -> Void) {
        grid.sx.withUnsafeBufferPointer { x in
            grid.sy.withUnsafeBufferPointer { y in
                grid.sr.withUnsafeBufferPointer { radius in
                    grid.order.withUnsafeBufferPointer { order in
                        grid.agentsInCellOrder.withUnsafeBufferPointer { agents in
                            grid.start.withUnsafeBufferPointer { start in
                                routeDirX.withUnsafeBufferPointer { dirX in
                                    routeDirY.withUnsafeBufferPointer { dirY in
                                        walls.walls.withUnsafeBufferPointer { wallList in
                                            walls.items.withUnsafeBufferPointer { wallItems in
                                                grid.svx.withUnsafeBufferPointer { vx in
                                                    grid.svy.withUnsafeBufferPointer { vy in
                                                        body(
                                                            StepView(
                                                                x: x, y: y, radius: radius, vx: vx, vy: vy,
                                                                order: order, agents: agents, start: start, dirX: dirX,
                                                                dirY: dirY, walls: wallList, wallItems: wallItems))
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Agents inside their exit's area leave, counted in their order; the rest keep their order.
    func removeExited() {
        var leaving: [Int] = []
        do {
            // A copy for reading (no access check per element), gone before `compact` changes the columns.
            let agents = self.agents
            for i in 0..<agents.count {
                let g = Int(agents.goal[i])
                let box = exitBoxes[g]
                let p = Point(agents.x[i], agents.y[i])
                guard
                    p.x >= box.min.x && p.x <= box.max.x && p.y >= box.min.y && p.y <= box.max.y
                        && scenario.exits[g].area.contains(p)
                else { continue }
                exited += 1
                exitedBy[g] += 1
                exitTimeSumS += time
                groupTallies[Int(agents.group[i])].left(routeM: agents.routeM[i], travelS: time - agents.startS[i])
                leaving.append(i)
            }
        }
        guard !leaving.isEmpty else { return }
        agents.compact(removing: leaving)
        if agents.isEmpty && !hasPendingInflow { lastExitS = time }
    }

    /// Whether a group will still send people in.
    public var hasPendingInflow: Bool {
        scenario.groups.contains { $0.inflow != nil && time < min($0.inflowUntilS, scenario.maxTimeS) }
    }

    /// Inflows: agents per second enter at a free random place of their area.
    func arrive() {
        for (g, group) in scenario.groups.enumerated() {
            guard let rate = group.inflow, time < group.inflowUntilS else { continue }
            inflowDebt[g] += rate * scenario.dt
            while inflowDebt[g] >= 1, let spot = freeSpot(in: group) {
                add(at: spot, group: g)
                inflowDebt[g] -= 1
            }
            // A full entrance waits; the debt is capped so a backlog does not burst in later.
            inflowDebt[g] = min(inflowDebt[g], 10)
        }
    }

    func freeSpot(in group: Scenario.Group) -> Point? {
        let box = group.area.boundingBox
        for _ in 0..<20 {
            let p = Point(
                Double.random(in: box.min.x...box.max.x, using: &rng),
                Double.random(in: box.min.y...box.max.y, using: &rng))
            guard group.area.contains(p), scenario.walkable.contains(p) else { continue }
            let clearOfWalls = walls.near(p).allSatisfy {
                (p - walls.walls[Int($0)].closest(to: p)).length > group.radius + 0.05
            }
            // Newly added agents are not in the grid yet; check them too.
            let agents = self.agents
            let clearOfPeople =
                agents.x.indices.reversed().prefix(64).allSatisfy {
                    (Point(agents.x[$0], agents.y[$0]) - p).length > group.radius + agents.radius[$0] + 0.05
                } && gridClear(p, group.radius)
            if clearOfWalls && clearOfPeople { return p }
        }
        return nil
    }

    /// Whether nobody the grid holds near `p` overlaps a person of radius `r` there: agents where
    /// they are now, ghosts and fixed obstacles (avatars; index −1) where the grid holds them.
    func gridClear(_ p: Point, _ r: Double) -> Bool {
        let grid = self.grid
        let agents = self.agents
        var clear = true
        grid.start.withUnsafeBufferPointer { start in
            for k in grid.slots(aroundX: p.x, y: p.y, reachM: 1, start: start) {
                let j = Int(grid.order[k])
                let overlaps =
                    j >= 0
                    ? j < agents.count
                        && (Point(agents.x[j], agents.y[j]) - p).length <= r + agents.radius[j] + 0.05
                    : (Point(grid.sx[k], grid.sy[k]) - p).length <= r + grid.sr[k] + 0.05
                if overlaps { clear = false }
            }
        }
        return clear
    }
}

/// Raw read-only views of what a step's workers read besides the agents: the neighbour grid's
/// cell-ordered copies, the route directions and the walls (valid during `withStepView` only).
///
/// `@unchecked Sendable` because raw pointers are not Sendable. Sound because the arrays behind
/// them are neither written nor freed while the views live: `withStepView` holds them for its
/// body, and the step changes only the agents' motion columns (`Agents.MotionOutput`) meanwhile.
struct StepView: @unchecked Sendable {
    let x: UnsafeBufferPointer<Double>
    let y: UnsafeBufferPointer<Double>
    let radius: UnsafeBufferPointer<Double>
    let vx: UnsafeBufferPointer<Double>
    let vy: UnsafeBufferPointer<Double>
    let order: UnsafeBufferPointer<Int32>
    /// Agent indices in cell order; a worker's range indexes this.
    let agents: UnsafeBufferPointer<Int32>
    let start: UnsafeBufferPointer<Int32>
    let dirX: UnsafeBufferPointer<Float>
    let dirY: UnsafeBufferPointer<Float>
    let walls: UnsafeBufferPointer<Segment>
    let wallItems: UnsafeBufferPointer<Int32>
}
