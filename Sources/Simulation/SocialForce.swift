import Foundation
import WorldModel

/// The social force model (Helbing & Molnár 1995) as JuPedSim implements it: each agent has a
/// velocity, accelerated towards its route at its desired speed with relaxation time τ, and pushed
/// by exponential forces from neighbours and walls, plus body force and sliding friction on contact.
public struct SocialForceParameters: Sendable, Hashable {
    /// kg, s, N, m: JuPedSim's defaults.
    public var mass = 80.0
    public var reactionTime = 0.5
    public var agentScale = 2000.0
    public var obstacleScale = 2000.0
    public var forceDistance = 0.08
    public var bodyForce = 120_000.0
    public var friction = 240_000.0
    public static let cutOffM = 2.5
    public init() {}
}

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
            let c0 = max(0, Int((px - cut - grid.minX) / grid.cellM))
            let c1 = min(grid.cols - 1, Int((px + cut - grid.minX) / grid.cellM))
            let rows = grid.rows(from: py - cut, to: py + cut)
            var row = rows?.lowerBound ?? 1
            let r1 = rows?.upperBound ?? 0
            while c0 <= c1 && row <= r1 {
                var k = Int(view.start[row * grid.cols + c0])
                let end = Int(view.start[row * grid.cols + c1 + 1])
                row += 1
                while k < end {
                    let j = k
                    k += 1
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
