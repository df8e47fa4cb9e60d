import WorldModel

/// Makes polygon rings valid for triangulation, or says exactly why it cannot.
///
/// Drops the closing point and repeated points (closer than `toleranceM`), rejects rings with fewer
/// than 3 distinct points or no area, turns outer rings counter-clockwise and holes clockwise,
/// and rejects self-intersecting rings and holes that are not inside their outer ring.
public enum RingCleaner {
    /// Why a polygon was rejected; `rule` is a stable name for the import summary.
    public struct Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        public let rule: String
        public let detail: String
        public var description: String { "\(rule): \(detail)" }
    }

    /// A valid polygon: outer counter-clockwise, holes clockwise, rings not closed.
    public struct CleanPolygon: Hashable, Sendable {
        public var outer: [Point]
        public var holes: [[Point]]

        /// Area of the outer ring minus the holes (m²).
        public var area: Double { Polygon(outer).signedArea + holes.reduce(0) { $0 + Polygon($1).signedArea } }
    }

    public static let toleranceM = 0.001
    public static let ringPointsMax = 10_000

    public static func clean(outer: [Point], holes: [[Point]] = []) throws(Rejection) -> CleanPolygon {
        let o = try ring(outer, what: "outer ring", counterClockwise: true)
        var cleanHoles: [[Point]] = []
        for (i, hole) in holes.enumerated() {
            let h: [Point]
            do {
                h = try ring(hole, what: "hole \(i)", counterClockwise: false)
            } catch  where error.rule == "zero_area" || error.rule == "too_few_points" {
                continue  // A degenerate hole removes nothing: dropping it loses no area.
            }
            let outerPolygon = Polygon(o)
            guard h.allSatisfy({ outerPolygon.contains($0) || outerPolygon.distanceToEdges($0) < toleranceM }) else {
                throw Rejection(rule: "hole_outside", detail: "hole \(i) is not inside the outer ring")
            }
            cleanHoles.append(h)
        }
        return CleanPolygon(outer: o, holes: cleanHoles)
    }

    static func ring(_ raw: [Point], what: String, counterClockwise: Bool) throws(Rejection) -> [Point] {
        guard raw.count <= ringPointsMax else {
            throw Rejection(rule: "too_many_points", detail: "\(what) has over \(ringPointsMax) points")
        }
        var points: [Point] = []
        points.reserveCapacity(raw.count)
        for p in raw {
            guard p.x.isFinite, p.y.isFinite else {
                throw Rejection(
                    rule: "invalid_coordinate", detail: "\(what) has a coordinate that is not a finite number")
            }
            if let last = points.last, (p - last).length < toleranceM { continue }
            points.append(p)
        }
        while points.count > 1, (points[0] - points[points.count - 1]).length < toleranceM { points.removeLast() }
        guard points.count >= 3 else {
            throw Rejection(rule: "too_few_points", detail: "\(what) has fewer than 3 distinct points")
        }
        points = withoutCollinear(points)
        guard points.count >= 3 else {
            throw Rejection(rule: "zero_area", detail: "\(what) has no area")
        }
        if let (i, j) = selfIntersection(points) {
            throw Rejection(rule: "self_intersection", detail: "\(what): edges \(i) and \(j) cross")
        }
        let area = Polygon(points).signedArea
        guard abs(area) > toleranceM * toleranceM else {
            throw Rejection(rule: "zero_area", detail: "\(what) has no area")
        }
        if (area > 0) != counterClockwise { points.reverse() }
        return points
    }

    /// Drops vertices that lie on the line through their neighbours (within a micrometre), so walls
    /// and roofs share exactly the same vertices and meshes stay watertight.
    static func withoutCollinear(_ ring: [Point]) -> [Point] {
        var out = ring
        var i = 0
        var guardCount = 0
        while out.count >= 3 && i < out.count && guardCount < 4 * ring.count {
            guardCount += 1
            let prev = out[(i + out.count - 1) % out.count]
            let next = out[(i + 1) % out.count]
            let base = next - prev
            let length = base.length
            let offset = length == 0 ? 0 : abs(base.x * (out[i].y - prev.y) - base.y * (out[i].x - prev.x)) / length
            let between = (out[i] - prev).dot(base) > 0 && (next - out[i]).dot(base) > 0
            if offset < 1e-6 && between {
                out.remove(at: i)
                i = max(0, i - 1)
            } else {
                i += 1
            }
        }
        return out
    }

    /// The first pair of non-adjacent edges that touch or cross, if any (O(n²), rings are bounded).
    static func selfIntersection(_ ring: [Point]) -> (Int, Int)? {
        let n = ring.count
        for i in 0..<n {
            let a = ring[i]
            let b = ring[(i + 1) % n]
            for j in stride(from: i + 2, to: n, by: 1) where !(i == 0 && j == n - 1) {
                if segmentsIntersect(a, b, ring[j], ring[(j + 1) % n]) { return (i, j) }
            }
        }
        return nil
    }

    static func segmentsIntersect(_ p1: Point, _ p2: Point, _ q1: Point, _ q2: Point) -> Bool {
        func orient(_ a: Point, _ b: Point, _ c: Point) -> Double {
            (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
        }
        func onSegment(_ a: Point, _ b: Point, _ p: Point) -> Bool {
            p.x >= min(a.x, b.x) && p.x <= max(a.x, b.x) && p.y >= min(a.y, b.y) && p.y <= max(a.y, b.y)
        }
        let d1 = orient(q1, q2, p1)
        let d2 = orient(q1, q2, p2)
        let d3 = orient(p1, p2, q1)
        let d4 = orient(p1, p2, q2)
        if (d1 > 0 && d2 < 0 || d1 < 0 && d2 > 0) && (d3 > 0 && d4 < 0 || d3 < 0 && d4 > 0) { return true }
        if d1 == 0 && onSegment(q1, q2, p1) { return true }
        if d2 == 0 && onSegment(q1, q2, p2) { return true }
        if d3 == 0 && onSegment(p1, p2, q1) { return true }
        if d4 == 0 && onSegment(p1, p2, q2) { return true }
        return false
    }
}
