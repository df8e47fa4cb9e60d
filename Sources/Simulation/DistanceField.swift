import WorldModel

/// Walking cost to a goal over the walkable area, by fast marching on a grid, and the direction
/// that descends it — so agents go around buildings to their exit, not into them.
///
/// Within `wallClearanceM` of a wall walking costs up to `wallPenalty` times more, so routes keep
/// off walls and corners where there is room (as people do) instead of grazing them.
public struct DistanceField: Sendable {
    public let minX: Double
    public let minY: Double
    public let cellM: Double
    public let cols: Int
    public let rows: Int
    /// Metres to the goal from each cell's centre; infinity where unreachable or not walkable.
    public private(set) var distance: [Float]
    /// Unit direction of steepest descent per cell (0, 0 where unknown).
    public private(set) var dirX: [Float]
    public private(set) var dirY: [Float]

    /// Most cells in a field; a large area gets coarser cells.
    public static let cellsMax = 4_000_000

    public static let wallClearanceM = 0.5
    public static let wallPenalty: Float = 3

    /// `penalty` replaces `wallPenalty` (1 gives plain walking distance, for tour times).
    public init(walkable: Walkable, goal: Polygon, cellM preferred: Double = 0.25, penalty: Float = wallPenalty) {
        let box = walkable.outer.boundingBox
        var cell = preferred
        while ((box.max.x - box.min.x) / cell + 1) * ((box.max.y - box.min.y) / cell + 1) > Double(Self.cellsMax) {
            cell *= 1.5
        }
        distance = []
        dirX = []
        dirY = []
        cellM = cell
        minX = box.min.x
        minY = box.min.y
        cols = Int(((box.max.x - box.min.x) / cell).rounded(.up)) + 1
        rows = Int(((box.max.y - box.min.y) / cell).rounded(.up)) + 1
        var free = [Bool](repeating: false, count: cols * rows)
        var slowness = [Float](repeating: 1, count: cols * rows)
        let walls = WallIndex(walls: walkable.walls, bounds: box, reachM: Self.wallClearanceM)
        var dist = [Float](repeating: .infinity, count: cols * rows)
        var accepted = [Bool](repeating: false, count: cols * rows)
        var heap = MinHeap()
        for r in 0..<rows {
            for c in 0..<cols {
                let p = Point(box.min.x + Double(c) * cell, box.min.y + Double(r) * cell)
                let i = r * cols + c
                free[i] = walkable.contains(p)
                if free[i] {
                    var nearest = Self.wallClearanceM
                    for w in walls.near(p) { nearest = min(nearest, (p - walls.walls[Int(w)].closest(to: p)).length) }
                    slowness[i] = 1 + (penalty - 1) * Float(1 - nearest / Self.wallClearanceM)
                }
                if free[i] && goal.contains(p) {
                    dist[i] = 0
                    heap.insert(Entry(distance: 0, index: Int32(i)))
                }
            }
        }
        // A goal smaller than a cell still gets its nearest walkable cell as a source.
        if heap.isEmpty {
            let centre = goal.points.reduce(Point(0, 0)) { $0 + $1 } * (1 / Double(goal.points.count))
            let c = min(cols - 1, max(0, Int(((centre.x - minX) / cell).rounded())))
            let r = min(rows - 1, max(0, Int(((centre.y - minY) / cell).rounded())))
            if free[r * cols + c] {
                dist[r * cols + c] = 0
                heap.insert(Entry(distance: 0, index: Int32(r * cols + c)))
            }
        }
        let h = Float(cell)
        while let entry = heap.popMin() {
            let i = Int(entry.index)
            if accepted[i] { continue }
            accepted[i] = true
            let r = i / cols
            let c = i % cols
            for (nr, nc) in [(r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)] {
                guard nr >= 0, nr < rows, nc >= 0, nc < cols else { continue }
                let n = nr * cols + nc
                guard free[n], !accepted[n] else { continue }
                // First-order upwind update from the smaller neighbour on each axis.
                func value(_ rr: Int, _ cc: Int) -> Float {
                    guard rr >= 0, rr < rows, cc >= 0, cc < cols else { return .infinity }
                    return accepted[rr * cols + cc] ? dist[rr * cols + cc] : .infinity
                }
                let a = min(value(nr, nc - 1), value(nr, nc + 1))
                let b = min(value(nr - 1, nc), value(nr + 1, nc))
                let step = h * slowness[n]
                let t: Float
                if a.isFinite && b.isFinite && abs(a - b) < step {
                    t = (a + b + (2 * step * step - (a - b) * (a - b)).squareRoot()) / 2
                } else {
                    t = min(a, b) + step
                }
                if t < dist[n] {
                    dist[n] = t
                    heap.insert(Entry(distance: t, index: Int32(n)))
                }
            }
        }
        distance = dist
        dirX = [Float](repeating: 0, count: cols * rows)
        dirY = [Float](repeating: 0, count: cols * rows)
        for r in 0..<rows {
            for c in 0..<cols where dist[r * cols + c].isFinite {
                let here = dist[r * cols + c]
                // Steepest descent among the 8 neighbours, weighted by distance: robust at walls.
                var best: Float = 0
                var bx: Float = 0
                var by: Float = 0
                for dr in -1...1 {
                    for dc in -1...1 where dr != 0 || dc != 0 {
                        let rr = r + dr
                        let cc = c + dc
                        guard rr >= 0, rr < rows, cc >= 0, cc < cols else { continue }
                        let there = dist[rr * cols + cc]
                        guard there.isFinite else { continue }
                        let length = (Float(dr * dr + dc * dc)).squareRoot()
                        let slope = (here - there) / (length * h)
                        if slope > best {
                            best = slope
                            bx = Float(dc) / length
                            by = Float(dr) / length
                        }
                    }
                }
                dirX[r * cols + c] = bx
                dirY[r * cols + c] = by
            }
        }
    }

    /// A field towards a point (a work on a wall, a tour stop): the goal is the 1.2 m square around it.
    public static func toward(_ p: Point, over walkable: Walkable, cellM: Double = 0.5, penalty: Float = wallPenalty)
        -> DistanceField
    {
        let goal = Polygon([
            Point(p.x - 0.6, p.y - 0.6), Point(p.x + 0.6, p.y - 0.6), Point(p.x + 0.6, p.y + 0.6),
            Point(p.x - 0.6, p.y + 0.6),
        ])
        return DistanceField(walkable: walkable, goal: goal, cellM: cellM, penalty: penalty)
    }

    struct Entry {
        let distance: Float
        let index: Int32
        @inline(__always)
        static func < (a: Entry, b: Entry) -> Bool {
            a.distance < b.distance || (a.distance == b.distance && a.index < b.index)
        }
    }

    /// A binary min-heap of entries, kept here (not a generic library heap) so the fast-marching
    /// loop is optimised even in debug builds, where `make test` runs real scenarios.
    struct MinHeap {
        private var items: [Entry] = []
        var isEmpty: Bool { items.isEmpty }

        mutating func insert(_ e: Entry) {
            items.append(e)
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard items[i] < items[parent] else { break }
                items.swapAt(i, parent)
                i = parent
            }
        }

        mutating func popMin() -> Entry? {
            guard let first = items.first else { return nil }
            let last = items.removeLast()
            guard !items.isEmpty else { return first }
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var smallest = i
                if l < items.count && items[l] < items[smallest] { smallest = l }
                if r < items.count && items[r] < items[smallest] { smallest = r }
                if smallest == i { break }
                items.swapAt(i, smallest)
                i = smallest
            }
            return first
        }
    }

    /// Walking cost from `p` to the goal (nearest grid node; metres, more near walls), infinity if unreachable.
    public func distance(at p: Point) -> Float {
        // The best of the (up to four) surrounding nodes, plus the way to it: a place beside a wall
        // may have its nearest node inside the wall.
        let fx = (p.x - minX) / cellM
        let fy = (p.y - minY) / cellM
        var best = Float.infinity
        for r in [Int(fy.rounded(.down)), Int(fy.rounded(.up))] {
            for c in [Int(fx.rounded(.down)), Int(fx.rounded(.up))] {
                guard c >= 0, r >= 0, c < cols, r < rows else { continue }
                let node = distance[r * cols + c]
                guard node.isFinite else { continue }
                let dx = Float((Double(c) - fx) * cellM)
                let dy = Float((Double(r) - fy) * cellM)
                best = min(best, node + (dx * dx + dy * dy).squareRoot())
            }
        }
        return best
    }

    /// The walking direction at `p`: the four surrounding nodes' descent directions, blended.
    public func direction(at p: Point) -> (x: Double, y: Double) {
        dirX.withUnsafeBufferPointer { dx in
            dirY.withUnsafeBufferPointer { dy in
                FieldGrid(self).direction(at: p, dirX: dx, dirY: dy)
            }
        }
    }
}

/// The grid every distance field of a scenario shares, and the blended descent direction on it.
struct FieldGrid: Sendable {
    let minX: Double
    let minY: Double
    let cellM: Double
    let cols: Int
    let rows: Int

    init(_ f: DistanceField) {
        minX = f.minX
        minY = f.minY
        cellM = f.cellM
        cols = f.cols
        rows = f.rows
    }

    @inline(__always)
    func direction(at p: Point, dirX: UnsafeBufferPointer<Float>, dirY: UnsafeBufferPointer<Float>, offset: Int = 0)
        -> (x: Double, y: Double)
    {
        let fx = (p.x - minX) / cellM
        let fy = (p.y - minY) / cellM
        let c0 = min(cols - 2, max(0, Int(fx)))
        let r0 = min(rows - 2, max(0, Int(fy)))
        let tx = Float(min(1, max(0, fx - Double(c0))))
        let ty = Float(min(1, max(0, fy - Double(r0))))
        let i = offset + r0 * cols + c0
        let w00 = (1 - tx) * (1 - ty)
        let w01 = tx * (1 - ty)
        let w10 = (1 - tx) * ty
        let w11 = tx * ty
        let x = dirX[i] * w00 + dirX[i + 1] * w01 + dirX[i + cols] * w10 + dirX[i + cols + 1] * w11
        let y = dirY[i] * w00 + dirY[i + 1] * w01 + dirY[i + cols] * w10 + dirY[i + cols + 1] * w11
        let length = (x * x + y * y).squareRoot()
        return length > 1e-6 ? (Double(x / length), Double(y / length)) : (0, 0)
    }
}
