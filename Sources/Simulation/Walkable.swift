import WorldModel

/// Where pedestrians may walk: one outer ring minus holes (buildings, pillars), in metres.
public struct Walkable: Sendable, Hashable {
    public let outer: Polygon
    public let holes: [Polygon]
    /// Holes bucketed by their bounding boxes on a coarse grid, so a point tests only a few.
    private let holeGrid: HoleGrid

    public init(outer: Polygon, holes: [Polygon] = []) {
        self.outer = outer
        self.holes = holes
        holeGrid = HoleGrid(holes: holes, bounds: outer.boundingBox)
    }

    /// The floor of a space: its bounds minus its obstacles (or footprints); with `clip`, only the
    /// part inside it, keeping the obstacles that reach into it.
    public init(space: Space, clip: Polygon? = nil) {
        let b = space.bounds
        let outer =
            clip
            ?? Polygon([Point(b.minX, b.minY), Point(b.maxX, b.minY), Point(b.maxX, b.maxY), Point(b.minX, b.maxY)])
        let box = outer.boundingBox
        let holes = space.obstacles.filter { o in
            let ob = o.boundingBox
            return ob.max.x >= box.min.x && ob.min.x <= box.max.x && ob.max.y >= box.min.y && ob.min.y <= box.max.y
        }
        self.init(outer: outer, holes: holes)
    }

    /// Inside the outer ring and outside every hole.
    public func contains(_ p: Point) -> Bool {
        guard outer.contains(p) else { return false }
        for h in holeGrid.candidates(p) where holes[Int(h)].contains(p) { return false }
        return true
    }

    /// Every wall as a segment: the outer ring's edges and each hole's.
    public var walls: [Segment] {
        ([outer] + holes).flatMap { ring in
            ring.points.indices.map { i in Segment(ring.points[i], ring.points[(i + 1) % ring.points.count]) }
        }.filter { $0.a != $0.b }
    }

    public var area: Double { abs(outer.signedArea) - holes.reduce(0) { $0 + abs($1.signedArea) } }
}

/// A straight wall between two points.
public struct Segment: Sendable, Hashable {
    public var a: Point
    public var b: Point

    public init(_ a: Point, _ b: Point) {
        self.a = a
        self.b = b
    }

    /// The point of the segment closest to `p`.
    @inline(__always)
    public func closest(to p: Point) -> Point {
        let d = b - a
        let length2 = d.x * d.x + d.y * d.y
        guard length2 > 0 else { return a }
        let t = min(1, max(0, ((p.x - a.x) * d.x + (p.y - a.y) * d.y) / length2))
        return Point(a.x + d.x * t, a.y + d.y * t)
    }

    /// Whether this segment and `other` cross or touch.
    public func intersects(_ other: Segment) -> Bool {
        func orient(_ p: Point, _ q: Point, _ r: Point) -> Double {
            (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
        }
        func within(_ p: Point, _ q: Point, _ r: Point) -> Bool {
            min(p.x, q.x) <= r.x && r.x <= max(p.x, q.x) && min(p.y, q.y) <= r.y && r.y <= max(p.y, q.y)
        }
        let d1 = orient(other.a, other.b, a)
        let d2 = orient(other.a, other.b, b)
        let d3 = orient(a, b, other.a)
        let d4 = orient(a, b, other.b)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
        return (d1 == 0 && within(other.a, other.b, a)) || (d2 == 0 && within(other.a, other.b, b))
            || (d3 == 0 && within(a, b, other.a)) || (d4 == 0 && within(a, b, other.b))
    }
}

/// Walls bucketed on a grid: each cell lists the walls within `reachM` of it, so an agent asks
/// only its own cell (as JuPedSim's collision geometry does, with a 4 m reach).
public struct WallIndex: Sendable {
    public let walls: [Segment]
    let minX: Double
    let minY: Double
    let cellM: Double
    let cols: Int
    let rows: Int
    /// `items[start[c] ..< start[c + 1]]` are the walls near cell `c`.
    let start: [Int32]
    let items: [Int32]

    public init(walls: [Segment], bounds: (min: Point, max: Point), cellM: Double = 2, reachM: Double = 4) {
        self.walls = walls
        minX = bounds.min.x - reachM
        minY = bounds.min.y - reachM
        var cell = cellM
        while (bounds.max.x - bounds.min.x + 2 * reachM) / cell * (bounds.max.y - bounds.min.y + 2 * reachM) / cell
            > 4_000_000
        {
            cell *= 2
        }
        self.cellM = cell
        cols = max(1, Int(((bounds.max.x - bounds.min.x + 2 * reachM) / cell).rounded(.up)))
        rows = max(1, Int(((bounds.max.y - bounds.min.y + 2 * reachM) / cell).rounded(.up)))
        var cells = [[Int32]](repeating: [], count: cols * rows)
        for (index, wall) in walls.enumerated() {
            let c0 = max(0, Int((min(wall.a.x, wall.b.x) - reachM - minX) / cell))
            let c1 = min(cols - 1, Int((max(wall.a.x, wall.b.x) + reachM - minX) / cell))
            let r0 = max(0, Int((min(wall.a.y, wall.b.y) - reachM - minY) / cell))
            let r1 = min(rows - 1, Int((max(wall.a.y, wall.b.y) + reachM - minY) / cell))
            guard c0 <= c1, r0 <= r1 else { continue }
            for r in r0...r1 {
                for c in c0...c1 {
                    // Only cells the wall really comes within reach of (a long diagonal wall skips the rest).
                    let centre = Point(minX + (Double(c) + 0.5) * cell, minY + (Double(r) + 0.5) * cell)
                    let d = centre - wall.closest(to: centre)
                    if d.length <= reachM + cell * 0.7072 { cells[r * cols + c].append(Int32(index)) }
                }
            }
        }
        var start = [Int32](repeating: 0, count: cols * rows + 1)
        for c in cells.indices { start[c + 1] = start[c] + Int32(cells[c].count) }
        self.start = start
        items = cells.flatMap { $0 }
    }

    /// The range of `items` listing the walls near `p`.
    @inline(__always)
    func range(near p: Point) -> Range<Int> {
        let c = Int((p.x - minX) / cellM)
        let r = Int((p.y - minY) / cellM)
        guard c >= 0, r >= 0, c < cols, r < rows else { return 0..<0 }
        return Int(start[r * cols + c])..<Int(start[r * cols + c + 1])
    }

    /// Indices of the walls near `p`.
    public func near(_ p: Point) -> ArraySlice<Int32> {
        items[range(near: p)]
    }
}

/// Holes listed in every coarse cell their bounding box touches.
struct HoleGrid: Sendable, Hashable {
    let minX: Double
    let minY: Double
    let cellM: Double
    let cols: Int
    let rows: Int
    let cells: [[Int32]]

    init(holes: [Polygon], bounds: (min: Point, max: Point)) {
        minX = bounds.min.x
        minY = bounds.min.y
        let extent = max(bounds.max.x - bounds.min.x, bounds.max.y - bounds.min.y, 1)
        cellM = max(4, extent / 256)
        cols = max(1, Int(((bounds.max.x - bounds.min.x) / cellM).rounded(.up)))
        rows = max(1, Int(((bounds.max.y - bounds.min.y) / cellM).rounded(.up)))
        var cells = [[Int32]](repeating: [], count: cols * rows)
        for (i, hole) in holes.enumerated() {
            let box = hole.boundingBox
            let c0 = max(0, Int((box.min.x - minX) / cellM))
            let c1 = min(cols - 1, Int((box.max.x - minX) / cellM))
            let r0 = max(0, Int((box.min.y - minY) / cellM))
            let r1 = min(rows - 1, Int((box.max.y - minY) / cellM))
            guard c0 <= c1, r0 <= r1 else { continue }
            for r in r0...r1 {
                for c in c0...c1 { cells[r * cols + c].append(Int32(i)) }
            }
        }
        self.cells = cells
    }

    func candidates(_ p: Point) -> [Int32] {
        let c = Int((p.x - minX) / cellM)
        let r = Int((p.y - minY) / cellM)
        guard c >= 0, r >= 0, c < cols, r < rows else { return [] }
        return cells[r * cols + c]
    }
}
