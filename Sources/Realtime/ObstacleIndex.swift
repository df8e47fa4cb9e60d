import WorldModel

/// Obstacle polygons bucketed on a grid so a position test looks at a handful of polygons.
///
/// Each polygon is listed in every cell its bounding box, grown by the avatar radius, touches;
/// so a point needs only its own cell.
public struct ObstacleIndex: Sendable {
    public let bounds: Bounds
    public let radiusM: Double
    private let polygons: [Polygon]
    private let cellM: Double
    private let cols: Int
    private let rows: Int
    private let cells: [[Int32]]

    /// Most grid cells the index uses, whatever the space size.
    public static let cellsMax = 256 * 256

    public init(space: Space, radiusM: Double) {
        bounds = space.bounds
        self.radiusM = radiusM
        polygons = space.obstacles
        let extent = max(bounds.width, bounds.depth)
        cellM = max(8, extent / 256)
        cols = max(1, Int((bounds.width / cellM).rounded(.up)))
        rows = max(1, Int((bounds.depth / cellM).rounded(.up)))
        var cells = [[Int32]](repeating: [], count: cols * rows)
        for (index, polygon) in polygons.enumerated() {
            let box = polygon.boundingBox
            let c0 = max(0, Int((box.min.x - radiusM - bounds.minX) / cellM))
            let c1 = min(cols - 1, Int((box.max.x + radiusM - bounds.minX) / cellM))
            let r0 = max(0, Int((box.min.y - radiusM - bounds.minY) / cellM))
            let r1 = min(rows - 1, Int((box.max.y + radiusM - bounds.minY) / cellM))
            if c0 > c1 || r0 > r1 { continue }
            for r in r0...r1 {
                for c in c0...c1 { cells[r * cols + c].append(Int32(index)) }
            }
        }
        self.cells = cells
    }

    /// True when an avatar centred at `p` would leave the bounds or touch an obstacle.
    public func isBlocked(_ p: Point) -> Bool {
        guard p.x >= bounds.minX + radiusM, p.x <= bounds.maxX - radiusM,
            p.y >= bounds.minY + radiusM, p.y <= bounds.maxY - radiusM
        else { return true }
        let c = min(cols - 1, Int((p.x - bounds.minX) / cellM))
        let r = min(rows - 1, Int((p.y - bounds.minY) / cellM))
        for index in cells[r * cols + c] {
            let polygon = polygons[Int(index)]
            if polygon.contains(p) || polygon.distanceToEdges(p) < radiusM { return true }
        }
        return false
    }

    /// The nearest point to `p` that is inside the bounds (grown inwards by the radius).
    public func clampToBounds(_ p: Point) -> Point {
        Point(
            min(max(p.x, bounds.minX + radiusM), bounds.maxX - radiusM),
            min(max(p.y, bounds.minY + radiusM), bounds.maxY - radiusM))
    }
}
