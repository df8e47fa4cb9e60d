/// A bounding volume hierarchy over triangles (binned surface-area heuristic), for shadow rays
/// towards the sun and sky-view rays: any-hit, closest-hit and box queries.
///
/// Immutable once built, so every thread of an analysis shares it without locks.
public struct BVH: Sendable {
    public typealias Vec = SIMD3<Float>

    struct Node: Sendable {
        var lo: Vec
        var hi: Vec
        /// Leaf: first triangle; inner: index of the left child (the right one follows it).
        var start: Int32
        /// Leaf: number of triangles; inner: 0.
        var count: Int32
    }

    /// Corners and edges, reordered so each leaf's triangles are contiguous.
    let v0: [Vec]
    let e1: [Vec]
    let e2: [Vec]
    /// The caller's index of each stored triangle.
    public let original: [Int32]
    let nodes: [Node]
    public let lo: Vec
    public let hi: Vec

    public var triangleCount: Int { v0.count }

    static let leafMax = 4
    static let bins = 12

    public init(triangles: [(Vec, Vec, Vec)]) {
        let n = triangles.count
        var centroids = [Vec](repeating: .zero, count: n)
        var boxLo = [Vec](repeating: .zero, count: n)
        var boxHi = [Vec](repeating: .zero, count: n)
        for (i, t) in triangles.enumerated() {
            boxLo[i] = pointwiseMin(pointwiseMin(t.0, t.1), t.2)
            boxHi[i] = pointwiseMax(pointwiseMax(t.0, t.1), t.2)
            centroids[i] = (boxLo[i] + boxHi[i]) * 0.5
        }
        var order = Array(0..<n)
        var nodes: [Node] = []
        nodes.reserveCapacity(max(1, 2 * n / Self.leafMax + 1))
        nodes.append(Node(lo: .zero, hi: .zero, start: 0, count: 0))
        // Build with an explicit stack: (node index, range of `order`).
        var stack: [(Int, Int, Int)] = [(0, 0, n)]
        while let (index, start, end) = stack.popLast() {
            var lo = Vec(repeating: .infinity)
            var hi = Vec(repeating: -.infinity)
            var cLo = Vec(repeating: .infinity)
            var cHi = Vec(repeating: -.infinity)
            for k in start..<end {
                lo = pointwiseMin(lo, boxLo[order[k]])
                hi = pointwiseMax(hi, boxHi[order[k]])
                cLo = pointwiseMin(cLo, centroids[order[k]])
                cHi = pointwiseMax(cHi, centroids[order[k]])
            }
            nodes[index].lo = lo
            nodes[index].hi = hi
            let count = end - start
            guard count > Self.leafMax, let split = Self.sahSplit(order[start..<end], centroids, boxLo, boxHi, cLo, cHi)
            else {
                nodes[index].start = Int32(start)
                nodes[index].count = Int32(count)
                continue
            }
            // Partition by the chosen plane; fall back to a median split if one side is empty.
            var mid = start
            for k in start..<end
            where Self.bin(centroids[order[k]][split.axis], cLo[split.axis], cHi[split.axis]) < split.bin {
                order.swapAt(k, mid)
                mid += 1
            }
            if mid == start || mid == end {
                let axis = split.axis
                order[start..<end].sort { centroids[$0][axis] < centroids[$1][axis] }
                mid = (start + end) / 2
            }
            let left = nodes.count
            nodes.append(Node(lo: .zero, hi: .zero, start: 0, count: 0))
            nodes.append(Node(lo: .zero, hi: .zero, start: 0, count: 0))
            nodes[index].start = Int32(left)
            nodes[index].count = 0
            stack.append((left, start, mid))
            stack.append((left + 1, mid, end))
        }
        self.nodes = nodes
        v0 = order.map { triangles[$0].0 }
        e1 = order.map { triangles[$0].1 - triangles[$0].0 }
        e2 = order.map { triangles[$0].2 - triangles[$0].0 }
        original = order.map { Int32($0) }
        lo = nodes.first?.lo ?? .zero
        hi = nodes.first?.hi ?? .zero
    }

    @inline(__always) static func bin(_ c: Float, _ lo: Float, _ hi: Float) -> Int {
        guard hi > lo else { return 0 }
        return min(bins - 1, Int(Float(bins) * (c - lo) / (hi - lo)))
    }

    static func sahSplit(
        _ items: ArraySlice<Int>, _ centroids: [Vec], _ boxLo: [Vec], _ boxHi: [Vec], _ cLo: Vec, _ cHi: Vec
    ) -> (axis: Int, bin: Int)? {
        func area(_ lo: Vec, _ hi: Vec) -> Float {
            let d = pointwiseMax(hi - lo, .zero)
            return d.x * d.y + d.y * d.z + d.z * d.x
        }
        var best: (axis: Int, bin: Int, cost: Float)?
        for axis in 0..<3 where cHi[axis] > cLo[axis] {
            var counts = [Int](repeating: 0, count: bins)
            var los = [Vec](repeating: Vec(repeating: .infinity), count: bins)
            var his = [Vec](repeating: Vec(repeating: -.infinity), count: bins)
            for i in items {
                let b = bin(centroids[i][axis], cLo[axis], cHi[axis])
                counts[b] += 1
                los[b] = pointwiseMin(los[b], boxLo[i])
                his[b] = pointwiseMax(his[b], boxHi[i])
            }
            // Sweep: area and count left of each plane, then right.
            var leftArea = [Float](repeating: 0, count: bins)
            var leftCount = [Int](repeating: 0, count: bins)
            var lo = Vec(repeating: .infinity)
            var hi = Vec(repeating: -.infinity)
            var c = 0
            for b in 0..<(bins - 1) {
                lo = pointwiseMin(lo, los[b])
                hi = pointwiseMax(hi, his[b])
                c += counts[b]
                leftArea[b + 1] = c == 0 ? 0 : area(lo, hi)
                leftCount[b + 1] = c
            }
            lo = Vec(repeating: .infinity)
            hi = Vec(repeating: -.infinity)
            c = 0
            for b in stride(from: bins - 1, through: 1, by: -1) {
                lo = pointwiseMin(lo, los[b])
                hi = pointwiseMax(hi, his[b])
                c += counts[b]
                guard c > 0, leftCount[b] > 0 else { continue }
                let cost = leftArea[b] * Float(leftCount[b]) + area(lo, hi) * Float(c)
                if best == nil || cost < best!.cost { best = (axis, b, cost) }
            }
        }
        return best.map { ($0.axis, $0.bin) }
    }

    // MARK: Queries

    /// 1/d per axis, with zero components nudged so the slab test never sees 0 × ∞.
    @inline(__always) static func inverse(_ d: Vec) -> Vec {
        func nz(_ x: Float) -> Float { abs(x) < 1e-20 ? (x.sign == .minus ? -1e-20 : 1e-20) : x }
        return Vec(1 / nz(d.x), 1 / nz(d.y), 1 / nz(d.z))
    }

    @inline(__always)
    static func slab(_ lo: Vec, _ hi: Vec, _ origin: Vec, _ inv: Vec, _ tMax: Float) -> Float? {
        let t0 = (lo - origin) * inv
        let t1 = (hi - origin) * inv
        let tNear = pointwiseMin(t0, t1).max()
        let tFar = pointwiseMax(t0, t1).min()
        guard tNear <= tFar, tFar >= 0, tNear <= tMax else { return nil }
        return tNear
    }

    /// Möller–Trumbore: the distance along the ray to triangle `i`, if it is hit within (ε, tMax).
    @inline(__always)
    func hit(_ i: Int, _ origin: Vec, _ dir: Vec, _ tMax: Float) -> Float? {
        Self.hit(v0[i], e1[i], e2[i], origin, dir, tMax)
    }

    @inline(__always)
    static func hit(_ v0: Vec, _ e1: Vec, _ e2: Vec, _ origin: Vec, _ dir: Vec, _ tMax: Float) -> Float? {
        let p = simd_cross(dir, e2)
        let det = simd_dot(e1, p)
        guard abs(det) > 1e-12 else { return nil }
        let inv = 1 / det
        let s = origin - v0
        let u = simd_dot(s, p) * inv
        guard u >= 0, u <= 1 else { return nil }
        let q = simd_cross(s, e1)
        let v = simd_dot(dir, q) * inv
        guard v >= 0, u + v <= 1 else { return nil }
        let t = simd_dot(e2, q) * inv
        return t > 1e-4 && t < tMax ? t : nil
    }

    /// Whether anything lies on the ray within `tMax` (stops at the first hit).
    public func occluded(_ origin: Vec, _ dir: Vec, tMax: Float = .infinity) -> Bool {
        guard !v0.isEmpty else { return false }
        let inv = Self.inverse(dir)
        return nodes.withUnsafeBufferPointer { nodes in
            v0.withUnsafeBufferPointer { v0 in
                e1.withUnsafeBufferPointer { e1 in
                    e2.withUnsafeBufferPointer { e2 in
                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 64) { stack in
                            stack[0] = 0
                            var top = 1
                            while top > 0 {
                                top -= 1
                                let node = nodes[Int(stack[top])]
                                guard Self.slab(node.lo, node.hi, origin, inv, tMax) != nil else { continue }
                                if node.count > 0 {
                                    for i in Int(node.start)..<Int(node.start + node.count)
                                    where Self.hit(v0[i], e1[i], e2[i], origin, dir, tMax) != nil {
                                        return true
                                    }
                                } else if top < 62 {
                                    stack[top] = node.start
                                    stack[top + 1] = node.start + 1
                                    top += 2
                                }
                            }
                            return false
                        }
                    }
                }
            }
        }
    }

    /// The nearest hit: distance and the caller's triangle index.
    public func closestHit(_ origin: Vec, _ dir: Vec, tMax: Float = .infinity) -> (t: Float, triangle: Int)? {
        guard !v0.isEmpty else { return nil }
        let inv = Self.inverse(dir)
        var best: (t: Float, triangle: Int)?
        var limit = tMax
        var stack: [Int32] = [0]
        while let index = stack.popLast() {
            let node = nodes[Int(index)]
            guard Self.slab(node.lo, node.hi, origin, inv, limit) != nil else { continue }
            if node.count > 0 {
                for i in Int(node.start)..<Int(node.start + node.count) {
                    if let t = hit(i, origin, dir, limit) {
                        limit = t
                        best = (t, Int(original[i]))
                    }
                }
            } else {
                stack.append(node.start)
                stack.append(node.start + 1)
            }
        }
        return best
    }

    /// Calls `body` with each stored triangle whose box overlaps [lo, hi] and reaches above `zAbove`
    /// (`original[i]` is the caller's index for `i`). No allocation, no reference counting per node.
    @inline(__always)
    public func forEachOverlapping(lo qLo: Vec, hi qHi: Vec, zAbove: Float, _ body: (Int) -> Void) {
        guard !v0.isEmpty else { return }
        nodes.withUnsafeBufferPointer { nodes in
            v0.withUnsafeBufferPointer { v0 in
                e1.withUnsafeBufferPointer { e1 in
                    e2.withUnsafeBufferPointer { e2 in
                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 64) { stack in
                            stack[0] = 0
                            var top = 1
                            while top > 0 {
                                top -= 1
                                let node = nodes[Int(stack[top])]
                                guard node.hi.z > zAbove, all(node.lo .<= qHi), all(node.hi .>= qLo) else { continue }
                                if node.count > 0 {
                                    for i in Int(node.start)..<Int(node.start + node.count) {
                                        let a = v0[i]
                                        let b = a + e1[i]
                                        let c = a + e2[i]
                                        let tLo = pointwiseMin(pointwiseMin(a, b), c)
                                        let tHi = pointwiseMax(pointwiseMax(a, b), c)
                                        if tHi.z > zAbove, all(tLo .<= qHi), all(tHi .>= qLo) { body(i) }
                                    }
                                } else if top < 62 {
                                    stack[top] = node.start
                                    stack[top + 1] = node.start + 1
                                    top += 2
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Stored triangles whose boxes overlap [lo, hi] and reach above `zAbove`.
    public func overlapping(lo: Vec, hi: Vec, zAbove: Float, into out: inout [Int32]) {
        out.removeAll(keepingCapacity: true)
        forEachOverlapping(lo: lo, hi: hi, zAbove: zAbove) { out.append(Int32($0)) }
    }

    /// The corners of stored triangle `i`.
    @inline(__always)
    public func corners(_ i: Int) -> (Vec, Vec, Vec) { (v0[i], v0[i] + e1[i], v0[i] + e2[i]) }

    /// Any hit among a short list of stored triangles (from `overlapping`).
    @inline(__always)
    public func occluded(_ origin: Vec, _ dir: Vec, among candidates: [Int32], tMax: Float = .infinity) -> Bool {
        v0.withUnsafeBufferPointer { v0 in
            e1.withUnsafeBufferPointer { e1 in
                e2.withUnsafeBufferPointer { e2 in
                    for i in candidates where Self.hit(v0[Int(i)], e1[Int(i)], e2[Int(i)], origin, dir, tMax) != nil {
                        return true
                    }
                    return false
                }
            }
        }
    }
}

@inline(__always) func simd_cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inline(__always) func simd_dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }
