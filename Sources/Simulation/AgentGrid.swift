import WorldModel

/// Agents bucketed by a counting sort each step, for neighbour queries within the cut-off. Only the
/// rows between the lowest and highest occupied one are rebuilt and read, so a few people in a large
/// area (the last walkers of a district's egress) cost little.
/// Its neighbour walk, `slots(aroundX:y:reachM:start:)`, is in CrowdStep.swift, beside the models
/// that run it for every agent.
struct AgentGrid: Sendable {
    let minX: Double
    let minY: Double
    let cellM: Double
    let cols: Int
    let rows: Int
    var start: [Int32]
    var fill: [Int32]
    var order: [Int32] = []
    /// Rows holding anyone; `start` is valid for their cells only (empty when nobody is in the grid).
    private(set) var rowLow = 0
    private(set) var rowHigh = -1
    /// The real agents' indices in cell order: the step visits them so, and neighbours stay in cache.
    var agentsInCellOrder: [Int32] = []

    init(minX: Double, minY: Double, maxX: Double, maxY: Double, cellM: Double) {
        var cell = cellM
        while (maxX - minX) / cell * (maxY - minY) / cell > 1_000_000 { cell *= 2 }
        self.minX = minX
        self.minY = minY
        self.cellM = cell
        cols = max(1, Int(((maxX - minX) / cell).rounded(.up)))
        rows = max(1, Int(((maxY - minY) / cell).rounded(.up)))
        start = [Int32](repeating: 0, count: cols * rows + 1)
        fill = start
    }

    @inline(__always)
    func row(_ y: Double) -> Int { min(rows - 1, max(0, Int((y - minY) / cellM))) }

    @inline(__always)
    func cell(_ x: Double, _ y: Double) -> Int { row(y) * cols + min(cols - 1, max(0, Int((x - minX) / cellM))) }

    /// The rows a query from `y0` to `y1` needs: those in range that hold anyone.
    @inline(__always)
    func rows(from y0: Double, to y1: Double) -> ClosedRange<Int>? {
        let r0 = max(rowLow, Int(max(-1, (y0 - minY) / cellM)))
        let r1 = min(rowHigh, Int(min(Double(rows), (y1 - minY) / cellM)))
        return r0 <= r1 ? r0...r1 : nil
    }

    /// Positions and radii copied in cell order, so a neighbour scan reads memory in sequence.
    var sx: [Double] = []
    var sy: [Double] = []
    var sr: [Double] = []
    /// Velocities (social force) or orientations (speed model), in cell order.
    var svx: [Double] = []
    var svy: [Double] = []

    /// Buckets the agents; with `periodic` (a corridor's x range) agents within `reach` of one end
    /// also appear shifted past the other end, as ghosts (order −1) that others see but that never move.
    mutating func rebuild(
        _ agents: Agents, periodic: ClosedRange<Double>? = nil, reach: Double = 0,
        fixed: [(x: Double, y: Double, radius: Double)] = []
    ) {
        let x = agents.x
        let y = agents.y
        let radius = agents.radius
        let vx = agents.ox
        let vy = agents.oy
        var ghosts: [(from: Int, shift: Double)] = []
        if let p = periodic {
            let length = p.upperBound - p.lowerBound
            for i in x.indices {
                if x[i] < p.lowerBound + reach { ghosts.append((i, length)) }
                if x[i] > p.upperBound - reach { ghosts.append((i, -length)) }
            }
        }
        let total = x.count + ghosts.count + fixed.count
        rowLow = rows
        rowHigh = -1
        for i in x.indices {
            rowLow = min(rowLow, row(y[i]))
            rowHigh = max(rowHigh, row(y[i]))
        }
        for f in fixed {
            rowLow = min(rowLow, row(f.y))
            rowHigh = max(rowHigh, row(f.y))
        }
        if rowHigh < rowLow { rowLow = 0 }
        // Ghosts share their agents' y, so the rows above cover them.
        let cells = rowLow * cols..<(rowHigh + 1) * cols
        for c in cells.lowerBound...cells.upperBound { start[c] = 0 }
        for i in x.indices { start[cell(x[i], y[i]) + 1] += 1 }
        for g in ghosts { start[cell(x[g.from] + g.shift, y[g.from]) + 1] += 1 }
        for f in fixed { start[cell(f.x, f.y) + 1] += 1 }
        for c in cells { start[c + 1] += start[c] }
        if order.count != total {
            order = [Int32](repeating: 0, count: total)
            sx = [Double](repeating: 0, count: total)
            sy = sx
            sr = sx
            svx = sx
            svy = sx
        }
        for c in cells { fill[c] = start[c] }
        func place(_ i: Int, shift: Double, id: Int32) {
            let c = cell(x[i] + shift, y[i])
            let k = Int(fill[c])
            order[k] = id
            sx[k] = x[i] + shift
            sy[k] = y[i]
            sr[k] = radius[i]
            svx[k] = vx[i]
            svy[k] = vy[i]
            fill[c] += 1
        }
        for i in x.indices { place(i, shift: 0, id: Int32(i)) }
        for g in ghosts { place(g.from, shift: g.shift, id: -1) }
        for f in fixed {
            let c = cell(f.x, f.y)
            let k = Int(fill[c])
            order[k] = -1
            sx[k] = f.x
            sy[k] = f.y
            sr[k] = f.radius
            svx[k] = 0
            svy[k] = 0
            fill[c] += 1
        }
        if agentsInCellOrder.count != x.count { agentsInCellOrder = [Int32](repeating: 0, count: x.count) }
        var next = 0
        for id in order where id >= 0 {
            agentsInCellOrder[next] = id
            next += 1
        }
    }
}
