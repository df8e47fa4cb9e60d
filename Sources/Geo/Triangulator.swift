import WorldModel

/// Triangulates simple polygons with holes by ear clipping, after joining each hole to the outer
/// ring with a bridge (the hole's rightmost vertex to a vertex it can see).
///
/// Input: the outer ring counter-clockwise and holes clockwise (see `RingCleaner`), rings not
/// closed. Output: triangles as index triples into the vertices in order outer, hole 1, hole 2, …,
/// all counter-clockwise. Work is O(n²) in the worst case, linear-ish for building footprints.
public enum Triangulator {
    /// Why a polygon could not be triangulated (it should have been rejected by cleaning first).
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Most vertices in one polygon: bounds the quadratic work.
    public static let verticesMax = 20_000

    struct Node {
        var index: Int32
        var p: Point
        var prev: Int
        var next: Int
    }

    public static func triangulate(outer: [Point], holes: [[Point]] = []) throws(Failure) -> [UInt32] {
        let total = outer.count + holes.reduce(0) { $0 + $1.count }
        guard outer.count >= 3 else { throw Failure(reason: "the outer ring has fewer than 3 vertices") }
        guard total <= verticesMax else { throw Failure(reason: "more than \(verticesMax) vertices") }
        var nodes: [Node] = []
        nodes.reserveCapacity(total + 2 * holes.count)
        let outerStart = appendRing(outer, firstIndex: 0, into: &nodes)
        var offset = outer.count
        var holeStarts: [(start: Int, maxX: Double)] = []
        for hole in holes {
            guard hole.count >= 3 else { throw Failure(reason: "a hole has fewer than 3 vertices") }
            let start = appendRing(hole, firstIndex: offset, into: &nodes)
            holeStarts.append((rightmost(start, nodes), hole.map(\.x).max()!))
            offset += hole.count
        }
        // Bridge holes from the rightmost inwards, so each bridge sees the ring as already extended.
        for hole in holeStarts.sorted(by: { $0.maxX > $1.maxX }) {
            try bridge(hole: hole.start, outer: outerStart, nodes: &nodes)
        }
        return try clip(start: outerStart, nodes: &nodes)
    }

    private static func appendRing(_ ring: [Point], firstIndex: Int, into nodes: inout [Node]) -> Int {
        let start = nodes.count
        for (i, p) in ring.enumerated() {
            nodes.append(
                Node(
                    index: Int32(firstIndex + i), p: p, prev: start + (i + ring.count - 1) % ring.count,
                    next: start + (i + 1) % ring.count))
        }
        return start
    }

    private static func rightmost(_ start: Int, _ nodes: [Node]) -> Int {
        var best = start
        var i = nodes[start].next
        while i != start {
            if nodes[i].p.x > nodes[best].p.x || (nodes[i].p.x == nodes[best].p.x && nodes[i].p.y < nodes[best].p.y) {
                best = i
            }
            i = nodes[i].next
        }
        return best
    }

    /// Twice the signed area of triangle abc: positive when counter-clockwise.
    @inline(__always)
    static func cross(_ a: Point, _ b: Point, _ c: Point) -> Double {
        (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
    }

    /// Whether p lies inside or on triangle abc (counter-clockwise).
    @inline(__always)
    static func inTriangle(_ p: Point, _ a: Point, _ b: Point, _ c: Point) -> Bool {
        cross(a, b, p) >= 0 && cross(b, c, p) >= 0 && cross(c, a, p) >= 0
    }

    /// Joins a hole (at its rightmost vertex m) to a vertex of the ring that m can see.
    private static func bridge(hole m: Int, outer: Int, nodes: inout [Node]) throws(Failure) {
        let mp = nodes[m].p
        // Cast a ray from m towards +x; find the nearest edge it crosses.
        var hitX = -Double.infinity
        var hitNode = -1
        var bestX = Double.infinity
        var i = outer
        repeat {
            let a = nodes[i].p
            let b = nodes[nodes[i].next].p
            if (a.y <= mp.y && b.y >= mp.y || b.y <= mp.y && a.y >= mp.y) && a.y != b.y {
                let x = a.x + (mp.y - a.y) * (b.x - a.x) / (b.y - a.y)
                if x >= mp.x && x < bestX {
                    bestX = x
                    hitX = x
                    // The candidate is the edge's endpoint further along +x.
                    hitNode = a.x > b.x ? i : nodes[i].next
                }
            }
            i = nodes[i].next
        } while i != outer
        guard hitNode >= 0 else { throw Failure(reason: "a hole lies outside its outer ring") }
        // If reflex vertices sit inside the triangle (m, hit, candidate), take the one at the
        // smallest angle from the ray instead: it is visible from m.
        let hit = Point(hitX, mp.y)
        var chosen = hitNode
        let candidate = nodes[hitNode].p
        var bestAngle = Double.infinity
        var bestDistance = Double.infinity
        i = outer
        repeat {
            let p = nodes[i].p
            if i != hitNode, p.x >= mp.x, p != mp, locallyInside(i, towards: mp, nodes) {
                let inside =
                    mp.y <= candidate.y
                    ? inTriangle(p, mp, hit, candidate) : inTriangle(p, mp, candidate, hit)
                if inside {
                    let angle = abs(p.y - mp.y) / max(p.x - mp.x, 1e-300)
                    let distance = (p - mp).lengthSquared
                    if angle < bestAngle || (angle == bestAngle && distance < bestDistance) {
                        bestAngle = angle
                        bestDistance = distance
                        chosen = i
                    }
                }
            }
            i = nodes[i].next
        } while i != outer
        // The chosen position may occur several times (an earlier bridge ends there): take the copy
        // whose interior wedge holds the direction to m, so the new bridge crosses nothing.
        let position = nodes[chosen].p
        i = outer
        repeat {
            if nodes[i].p == position && locallyInside(i, towards: mp, nodes) {
                chosen = i
                break
            }
            i = nodes[i].next
        } while i != outer
        // Splice: chosen → m → (hole) → m' → chosen' → rest of the outer ring.
        let mCopy = nodes.count
        nodes.append(Node(index: nodes[m].index, p: mp, prev: -1, next: -1))
        let cCopy = nodes.count
        nodes.append(Node(index: nodes[chosen].index, p: nodes[chosen].p, prev: -1, next: -1))
        let afterChosen = nodes[chosen].next
        let beforeM = nodes[m].prev
        nodes[chosen].next = m
        nodes[m].prev = chosen
        nodes[beforeM].next = mCopy
        nodes[mCopy].prev = beforeM
        nodes[mCopy].next = cCopy
        nodes[cCopy].prev = mCopy
        nodes[cCopy].next = afterChosen
        nodes[afterChosen].prev = cCopy
    }

    /// Whether the direction from ring vertex `v` towards `q` points into the polygon at `v`
    /// (inside the wedge from the next edge counter-clockwise to the previous one).
    static func locallyInside(_ v: Int, towards q: Point, _ nodes: [Node]) -> Bool {
        let p = nodes[v].p
        let toNext = nodes[nodes[v].next].p - p
        let toPrev = nodes[nodes[v].prev].p - p
        let d = q - p
        let afterNext = toNext.x * d.y - toNext.y * d.x >= 0
        let beforePrev = d.x * toPrev.y - d.y * toPrev.x >= 0
        let convex = toNext.x * toPrev.y - toNext.y * toPrev.x >= 0
        return convex ? afterNext && beforePrev : afterNext || beforePrev
    }

    /// Clips ears until one triangle is left.
    private static func clip(start: Int, nodes: inout [Node]) throws(Failure) -> [UInt32] {
        var remaining = 1
        var i = nodes[start].next
        while i != start {
            remaining += 1
            i = nodes[i].next
        }
        var triangles: [UInt32] = []
        triangles.reserveCapacity(3 * max(0, remaining - 2))
        var current = start
        var sinceLastEar = 0
        var budget = 4 * remaining * remaining + 64
        while remaining > 3 {
            budget -= 1
            guard budget > 0 else {
                throw Failure(reason: "the polygon could not be triangulated (self-intersecting?)")
            }
            let a = nodes[current].prev
            let c = nodes[current].next
            let (pa, pb, pc) = (nodes[a].p, nodes[current].p, nodes[c].p)
            let turn = cross(pa, pb, pc)
            if turn == 0 && sinceLastEar > remaining {
                // A flat spot blocks progress: drop the vertex, it adds no area.
                unlink(current, &nodes)
                remaining -= 1
                current = c
                sinceLastEar = 0
                continue
            }
            if turn > 0 && isEar(a, current, c, nodes) || sinceLastEar > 2 * remaining {
                triangles += [UInt32(nodes[a].index), UInt32(nodes[current].index), UInt32(nodes[c].index)]
                unlink(current, &nodes)
                remaining -= 1
                current = c
                sinceLastEar = 0
            } else {
                current = c
                sinceLastEar += 1
            }
        }
        let a = nodes[current].prev
        let c = nodes[current].next
        if cross(nodes[a].p, nodes[current].p, nodes[c].p) != 0 {
            triangles += [UInt32(nodes[a].index), UInt32(nodes[current].index), UInt32(nodes[c].index)]
        }
        return triangles
    }

    private static func unlink(_ i: Int, _ nodes: inout [Node]) {
        let p = nodes[i].prev
        let n = nodes[i].next
        nodes[p].next = n
        nodes[n].prev = p
    }

    /// No remaining vertex (other than copies of the triangle's corners) lies inside abc.
    private static func isEar(_ a: Int, _ b: Int, _ c: Int, _ nodes: [Node]) -> Bool {
        let (pa, pb, pc) = (nodes[a].p, nodes[b].p, nodes[c].p)
        let minX = min(pa.x, pb.x, pc.x)
        let maxX = max(pa.x, pb.x, pc.x)
        let minY = min(pa.y, pb.y, pc.y)
        let maxY = max(pa.y, pb.y, pc.y)
        var i = nodes[c].next
        while i != a {
            let p = nodes[i].p
            if p.x >= minX, p.x <= maxX, p.y >= minY, p.y <= maxY, p != pa, p != pb, p != pc,
                inTriangle(p, pa, pb, pc)
            {
                // A vertex on the triangle's edge only blocks if it is reflex (the ring dents in there).
                let q = nodes[nodes[i].prev].p
                let r = nodes[nodes[i].next].p
                if cross(q, p, r) <= 0 || (cross(pa, pb, p) > 0 && cross(pb, pc, p) > 0 && cross(pc, pa, p) > 0) {
                    return false
                }
            }
            i = nodes[i].next
        }
        return true
    }
}
