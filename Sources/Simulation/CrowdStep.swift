import Foundation
import WorldModel

/// What a step's workers share, all of it values: the agents as the step found them (a copy whose
/// columns are copy-on-write arrays, so nothing is copied), the neighbour grid, the walls, the
/// routes' grid and the models' parameters. With the raw views (`StepView`) and the output
/// (`Agents.MotionOutput`) it is all a worker touches: workers never see the `CrowdSimulation`.
///
/// Both models and the neighbour walk they share are in this one file on purpose: a debug build
/// optimises Simulation file by file (`-O`, not whole-module), so it inlines only within a file,
/// and a call per neighbour slowed the step by 7 %.
struct CrowdStep: Sendable {
    let agents: Agents
    let grid: AgentGrid
    let walls: WallIndex
    let fieldGrid: FieldGrid
    let speedModelParameters: Scenario.SpeedModelParameters
    let socialForceParameters: SocialForceParameters
    let dt: Double

    /// The collision-free speed model for the agents at `range` of the cell order, reading only
    /// the current state and writing only their rows of `out`.
    func speedModel(_ range: Range<Int>, view: StepView, into out: Agents.MotionOutput) {
        let p = speedModelParameters
        let cutOffM = CrowdSimulation.cutOffM
        let cutOff2 = cutOffM * cutOffM
        // Local copies, so the loop reads the columns directly.
        let x = agents.x
        let y = agents.y
        let ox = agents.ox
        let oy = agents.oy
        let v0 = agents.v0
        let radius = agents.radius
        let timeGap = agents.timeGap
        let goal = agents.goal
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
            // `view` holds positions in cell order: slot `j` indexes it, `order[j]` is the agent.
            neighbourLoop: for j in grid.slots(aroundX: px, y: py, reachM: cutOffM, start: view.start) {
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
}

// MARK: The social force model

extension CrowdStep {
    /// One Euler step of the social force model for the agents at `range` of the cell order,
    /// reading only the current state and writing only their rows of `out`.
    func socialForce(_ range: Range<Int>, view: StepView, into out: Agents.MotionOutput) {
        let p = socialForceParameters
        let x = agents.x
        let y = agents.y
        let vx = agents.ox
        let vy = agents.oy
        let v0 = agents.v0
        let radius = agents.radius
        let goal = agents.goal
        let grid = self.grid
        let walls = self.walls
        let fieldGrid = self.fieldGrid
        let fieldCells = fieldGrid.cols * fieldGrid.rows
        let cut = SocialForceParameters.cutOffM
        for q in range {
            let i = Int(view.agents[q])
            let px = x[i]
            let py = y[i]
            let here = Point(px, py)
            let e0 = fieldGrid.direction(at: here, dirX: view.dirX, dirY: view.dirY, offset: Int(goal[i]) * fieldCells)
            // Driving force per unit mass.
            var ax = (e0.x * v0[i] - vx[i]) / p.reactionTime
            var ay = (e0.y * v0[i] - vy[i]) / p.reactionTime
            var fx = 0.0
            var fy = 0.0
            for j in grid.slots(aroundX: px, y: py, reachM: cut, start: view.start) {
                let dx = px - view.x[j]
                let dy = py - view.y[j]
                let d2 = dx * dx + dy * dy
                guard d2 <= cut * cut, Int(view.order[j]) != i else { continue }
                let force = Self.pairForce(
                    dx: dx, dy: dy, scale: p.agentScale, distance: p.forceDistance,
                    radius: radius[i] + view.radius[j],
                    relVX: view.vx[j] - vx[i], relVY: view.vy[j] - vy[i], p: p)
                fx += force.x
                fy += force.y
            }
            for w in walls.range(near: here) {
                let q = view.walls[Int(view.wallItems[w])].closest(to: here)
                let force = Self.pairForce(
                    dx: px - q.x, dy: py - q.y, scale: p.obstacleScale, distance: p.forceDistance, radius: radius[i],
                    relVX: vx[i], relVY: vy[i], p: p)
                fx += force.x
                fy += force.y
            }
            ax += fx / p.mass
            ay += fy / p.mass
            let nvx = vx[i] + ax * dt
            let nvy = vy[i] + ay * dt
            out.x[i] = px + nvx * dt
            out.y[i] = py + nvy * dt
            out.ox[i] = nvx
            out.oy[i] = nvy
        }
    }

    /// JuPedSim's `ForceBetweenPoints`: exponential push along the normal, body force and
    /// tangential friction when the two overlap.
    @inline(__always)
    static func pairForce(
        dx: Double, dy: Double, scale: Double, distance: Double, radius: Double, relVX: Double, relVY: Double,
        p: SocialForceParameters
    ) -> (x: Double, y: Double) {
        let d = (dx * dx + dy * dy).squareRoot()
        guard d > 1e-12 else { return (0, 0) }
        let nx = dx / d
        let ny = dy / d
        let tx = -ny
        let ty = nx
        var push = scale * exp((radius - d) / distance)
        var friction = 0.0
        if d < radius {
            push += p.bodyForce * (radius - d)
            friction = p.friction * (radius - d) * (relVX * tx + relVY * ty)
        }
        return (nx * push + tx * friction, ny * push + ty * friction)
    }
}

// MARK: The neighbour walk

extension AgentGrid {
    /// The neighbour walk, the one both crowd models and the spawn check use: the slots (indices
    /// into the cell-ordered arrays: `order`, `sx`, `sy`, …) of the cells overlapping the square of
    /// half-side `reachM` around (x, y), row by row, west to east. Everyone in those cells is in it,
    /// some beyond `reachM`: the caller checks the distance. `start` is this grid's `start`, raw, as
    /// the step's workers hold it; it must outlive the walk.
    @inline(__always)
    func slots(aroundX x: Double, y: Double, reachM: Double, start: UnsafeBufferPointer<Int32>) -> Slots {
        let c0 = max(0, Int((x - reachM - minX) / cellM))
        let c1 = min(cols - 1, Int((x + reachM - minX) / cellM))
        guard c0 <= c1, let rows = rows(from: y - reachM, to: y + reachM) else {
            return Slots(start: start, cols: cols, c0: 0, c1: 0, row: 1, lastRow: 0)
        }
        return Slots(start: start, cols: cols, c0: c0, c1: c1, row: rows.lowerBound, lastRow: rows.upperBound)
    }

    /// The walk's slots, an iterator (a loop over it may `continue` and `break` as over a range).
    struct Slots: Sequence, IteratorProtocol {
        let start: UnsafeBufferPointer<Int32>
        let cols: Int
        /// The first and last column, and the next and last row, of the cells walked.
        let c0: Int
        let c1: Int
        var row: Int
        let lastRow: Int
        /// The next slot and the end of the current row's run of slots.
        var k = 0
        var end = 0

        @inline(__always)
        mutating func next() -> Int? {
            while k >= end {
                guard row <= lastRow else { return nil }
                k = Int(start[row * cols + c0])
                end = Int(start[row * cols + c1 + 1])
                row += 1
            }
            defer { k += 1 }
            return k
        }
    }
}
