import Dispatch
import Foundation
import WorldModel

extension CrowdSimulation {
    /// Advances every agent by `dt`: new positions from the current ones (on `workers` cores when
    /// the crowd is large), then exits, then arrivals.
    public func step() {
        let n = x.count
        grid.rebuild(
            x: x, y: y, radius: radius, vx: ox, vy: oy, periodic: scenario.periodicX,
            reach: max(Self.cutOffM, SocialForceParameters.cutOffM), fixed: fixedObstacles)
        if nx.count != n {
            nx = [Double](repeating: 0, count: n)
            ny = nx
            nox = nx
            noy = nx
        }
        let chunks = n >= 1000 ? workers : 1
        let size = (n + chunks - 1) / max(1, chunks)
        nx.withUnsafeMutableBufferPointer { nx in
            ny.withUnsafeMutableBufferPointer { ny in
                nox.withUnsafeMutableBufferPointer { nox in
                    noy.withUnsafeMutableBufferPointer { noy in
                        let out = StepOutput(x: nx, y: ny, ox: nox, oy: noy)
                        withAgentsView { view in
                            let social = scenario.model == .socialForce
                            @Sendable func run(_ range: Range<Int>) {
                                if social {
                                    computeSocialForce(range, view: view, into: out)
                                } else {
                                    compute(range, view: view, into: out)
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
            }
        }
        swap(&x, &nx)
        swap(&y, &ny)
        if let p = scenario.periodicX {
            let length = p.upperBound - p.lowerBound
            for i in x.indices {
                if x[i] >= p.upperBound { x[i] -= length } else if x[i] < p.lowerBound { x[i] += length }
            }
        }
        swap(&ox, &nox)
        swap(&oy, &noy)
        time += scenario.dt
        iterations += 1
        agentSteps += n
        removeExited()
        arrive()
    }

    /// The collision-free speed model for agents in `range`, reading only the current state.
    /// Calls `body` with raw views of the positions, radii and the neighbour grid.
    func withAgentsView(_ body: (AgentsView) -> Void) {
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
                                                            AgentsView(
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

    func compute(_ range: Range<Int>, view: AgentsView, into out: StepOutput) {
        let p = scenario.parameters
        let dt = scenario.dt
        let cutOff2 = Self.cutOffM * Self.cutOffM
        // Local copies: reading a class's arrays element by element would retain them each time.
        let x = self.x
        let y = self.y
        let ox = self.ox
        let oy = self.oy
        let v0 = self.v0
        let radius = self.radius
        let timeGap = self.timeGap
        let goal = self.goal
        let grid = self.grid
        let walls = self.walls
        let wallList = view.walls
        let fieldGrid = self.fieldGrid
        let fieldCells = fieldGrid.cols * fieldGrid.rows
        let keepCos = cos(p.keepRightDeg * .pi / 180)
        let keepSin = sin(p.keepRightDeg * .pi / 180)
        var neighbours: [Int] = []
        neighbours.reserveCapacity(64)
        for q in range {
            let i = Int(view.agents[q])
            let px = x[i]
            let py = y[i]
            let here = Point(px, py)
            let r = radius[i]
            let nearWalls = walls.range(near: here)
            neighbours.removeAll(keepingCapacity: true)
            var repX = 0.0
            var repY = 0.0
            let c0 = max(0, Int((px - Self.cutOffM - grid.minX) / grid.cellM))
            let c1 = min(grid.cols - 1, Int((px + Self.cutOffM - grid.minX) / grid.cellM))
            let rows = grid.rows(from: py - Self.cutOffM, to: py + Self.cutOffM)
            var row = rows?.lowerBound ?? 1
            let r1 = rows?.upperBound ?? 0
            while c0 <= c1 && row <= r1 {
                var k = Int(view.start[row * grid.cols + c0])
                let end = Int(view.start[row * grid.cols + c1 + 1])
                row += 1
                // `view` holds positions in cell order: `k` indexes it, `order[k]` is the agent.
                neighbourLoop: while k < end {
                    let j = k
                    k += 1
                    let dx = view.x[j] - px
                    let dy = view.y[j] - py
                    let d2 = dx * dx + dy * dy
                    guard d2 <= cutOff2, Int(view.order[j]) != i else { continue }
                    // A neighbour behind a wall does not count.
                    if !nearWalls.isEmpty {
                        let sight = Segment(here, Point(view.x[j], view.y[j]))
                        for w in nearWalls where sight.intersects(wallList[Int(view.wallItems[w])]) {
                            continue neighbourLoop
                        }
                    }
                    neighbours.append(j)
                    let d = d2.squareRoot()
                    guard d > 1e-12 else { continue }
                    // Beyond about 20 ranges the repulsion is below 1e-8 of its strength: skip the exp.
                    let exponent = (r + view.radius[j] - d) / p.rangeNeighborRepulsion
                    guard exponent > -20 else { continue }
                    let strength = -p.strengthNeighborRepulsion * exp(exponent)
                    // Turned by `keepRight` so two people meeting head-on pass each other on the right.
                    let ux = dx / d * strength
                    let uy = dy / d * strength
                    repX += ux * keepCos - uy * keepSin
                    repY += ux * keepSin + uy * keepCos
                }
            }
            for w in nearWalls {
                let q = wallList[Int(view.wallItems[w])].closest(to: here)
                let dx = q.x - px
                let dy = q.y - py
                let d = (dx * dx + dy * dy).squareRoot()
                guard d > 1e-12 else { continue }
                let exponent = (r - d) / p.rangeGeometryRepulsion
                guard exponent > -20 else { continue }
                let strength = -p.strengthGeometryRepulsion * exp(exponent)
                repX += dx / d * strength
                repY += dy / d * strength
            }
            let desired = fieldGrid.direction(
                at: here, dirX: view.dirX, dirY: view.dirY, offset: Int(goal[i]) * fieldCells)
            var dirX = desired.x + repX
            var dirY = desired.y + repY
            let length = (dirX * dirX + dirY * dirY).squareRoot()
            if length > 1e-12 {
                dirX /= length
                dirY /= length
            } else {
                dirX = ox[i]
                dirY = oy[i]
            }
            // Free spacing ahead: the nearest neighbour in the corridor of both radii along the direction.
            var spacing = Double.greatestFiniteMagnitude
            for j in neighbours {
                let dx = view.x[j] - px
                let dy = view.y[j] - py
                guard dirX * dx + dirY * dy >= 0 else { continue }
                let l = r + view.radius[j]
                guard abs(-dirY * dx + dirX * dy) <= l else { continue }
                spacing = min(spacing, (dx * dx + dy * dy).squareRoot() - l)
            }
            let speed = min(max(spacing / timeGap[i], 0), v0[i])
            out.x[i] = px + dirX * speed * dt
            out.y[i] = py + dirY * speed * dt
            out.ox[i] = dirX
            out.oy[i] = dirY
        }
    }

    /// Agents inside their exit's area leave; the rest keep their order.
    func removeExited() {
        var kept = 0
        for i in x.indices {
            let g = Int(goal[i])
            let box = exitBoxes[g]
            let p = Point(x[i], y[i])
            if p.x >= box.min.x && p.x <= box.max.x && p.y >= box.min.y && p.y <= box.max.y
                && scenario.exits[g].area.contains(p)
            {
                exited += 1
                exitedBy[Int(goal[i])] += 1
                exitTimeSumS += time
                groupTallies[Int(group[i])].left(routeM: routeM[i], travelS: time - startS[i])
                continue
            }
            if kept != i {
                x[kept] = x[i]
                y[kept] = y[i]
                ox[kept] = ox[i]
                oy[kept] = oy[i]
                v0[kept] = v0[i]
                radius[kept] = radius[i]
                timeGap[kept] = timeGap[i]
                goal[kept] = goal[i]
                group[kept] = group[i]
                startS[kept] = startS[i]
                routeM[kept] = routeM[i]
                agentIds[kept] = agentIds[i]
            }
            kept += 1
        }
        let gone = x.count - kept
        guard gone > 0 else { return }
        x.removeLast(gone)
        y.removeLast(gone)
        ox.removeLast(gone)
        oy.removeLast(gone)
        v0.removeLast(gone)
        radius.removeLast(gone)
        timeGap.removeLast(gone)
        goal.removeLast(gone)
        group.removeLast(gone)
        startS.removeLast(gone)
        routeM.removeLast(gone)
        agentIds.removeLast(gone)
        if x.isEmpty && !hasPendingInflow { lastExitS = time }
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
            let clearOfPeople =
                x.indices.reversed().prefix(64).allSatisfy {
                    (Point(x[$0], y[$0]) - p).length > group.radius + radius[$0] + 0.05
                } && gridClear(p, group.radius)
            if clearOfWalls && clearOfPeople { return p }
        }
        return nil
    }

    func gridClear(_ p: Point, _ r: Double) -> Bool {
        var clear = true
        grid.forEach(nearX: p.x, y: p.y, radius: 1) { j in
            if j < x.count, (Point(x[j], y[j]) - p).length <= r + radius[j] + 0.05 { clear = false }
        }
        return clear
    }
}

/// Raw read-only views of the current state for the step's workers (valid during `step()` only).
struct AgentsView: @unchecked Sendable {
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

/// The next-state arrays the step's workers write, each to its own range of agents.
struct StepOutput: @unchecked Sendable {
    let x: UnsafeMutableBufferPointer<Double>
    let y: UnsafeMutableBufferPointer<Double>
    let ox: UnsafeMutableBufferPointer<Double>
    let oy: UnsafeMutableBufferPointer<Double>
}
