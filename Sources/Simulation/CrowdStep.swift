import Foundation
import WorldModel

/// What a step's workers share, all of it values: the agents as the step found them (a copy whose
/// columns are copy-on-write arrays, so nothing is copied), the neighbour grid, the walls, the
/// routes' grid and the models' parameters. With the raw views (`StepView`) and the output
/// (`Agents.MotionOutput`) it is all a worker touches: workers never see the `CrowdSimulation`.
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
            let c0 = max(0, Int((px - cutOffM - grid.minX) / grid.cellM))
            let c1 = min(grid.cols - 1, Int((px + cutOffM - grid.minX) / grid.cellM))
            let rows = grid.rows(from: py - cutOffM, to: py + cutOffM)
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
}
