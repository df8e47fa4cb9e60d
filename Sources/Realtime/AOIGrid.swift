/// A uniform grid over a space, rebuilt every tick by counting sort, for "who is near me" queries.
///
/// Rebuild is O(avatars + cells); a query scans only the cells that overlap its circle, so the
/// cost per tick grows with avatars × neighbours, never avatars².
public struct AOIGrid: Sendable {
    public let minX: Float
    public let minY: Float
    public let cellM: Float
    public let cols: Int
    public let rows: Int
    /// Most cells, whatever the space size: big spaces get bigger cells.
    public static let cellsMax = 512 * 512

    /// `cellStart[c] ..< cellStart[c + 1]` indexes `slots`, `xs` and `ys` for cell `c`.
    private(set) var cellStart: [Int32]
    private(set) var slots: [Int32] = []
    private(set) var xs: [Float] = []
    private(set) var ys: [Float] = []
    private var cellOf: [Int32] = []

    public init(minX: Float, minY: Float, width: Float, depth: Float, preferredCellM: Float) {
        precondition(width > 0 && depth > 0 && preferredCellM > 0)
        var cell = preferredCellM
        while Int((width / cell).rounded(.up)) * Int((depth / cell).rounded(.up)) > Self.cellsMax { cell *= 2 }
        self.minX = minX
        self.minY = minY
        self.cellM = cell
        self.cols = max(1, Int((width / cell).rounded(.up)))
        self.rows = max(1, Int((depth / cell).rounded(.up)))
        self.cellStart = [Int32](repeating: 0, count: cols * rows + 1)
    }

    /// Positions bucketed at the last rebuild.
    public var count: Int { slots.count }

    @inline(__always)
    func cellIndex(_ x: Float, _ y: Float) -> Int {
        let c = min(cols - 1, max(0, Int((x - minX) / cellM)))
        let r = min(rows - 1, max(0, Int((y - minY) / cellM)))
        return r * cols + c
    }

    /// Re-buckets every position; slot `i` is the index into `x` and `y`.
    public mutating func rebuild(x: [Float], y: [Float]) {
        precondition(x.count == y.count)
        let n = x.count
        cellOf.removeAll(keepingCapacity: true)
        for i in 0..<n { cellOf.append(Int32(cellIndex(x[i], y[i]))) }
        for c in cellStart.indices { cellStart[c] = 0 }
        for c in cellOf { cellStart[Int(c) + 1] += 1 }
        for c in 1..<cellStart.count { cellStart[c] += cellStart[c - 1] }
        slots = [Int32](repeating: 0, count: n)
        xs = [Float](repeating: 0, count: n)
        ys = [Float](repeating: 0, count: n)
        var fill = cellStart
        for i in 0..<n {
            let c = Int(cellOf[i])
            let at = Int(fill[c])
            fill[c] += 1
            slots[at] = Int32(i)
            xs[at] = x[i]
            ys[at] = y[i]
        }
    }

    /// Calls `body(slot, distanceSquared)` for every position within `radius` of (x, y).
    @inline(__always)
    public func forEach(nearX x: Float, y: Float, radius: Float, _ body: (Int32, Float) -> Void) {
        let r2 = radius * radius
        let c0 = max(0, Int((x - radius - minX) / cellM))
        let c1 = min(cols - 1, Int((x + radius - minX) / cellM))
        let r0 = max(0, Int((y - radius - minY) / cellM))
        let r1 = min(rows - 1, Int((y + radius - minY) / cellM))
        if c0 > c1 || r0 > r1 { return }
        cellStart.withUnsafeBufferPointer { start in
            xs.withUnsafeBufferPointer { xs in
                ys.withUnsafeBufferPointer { ys in
                    slots.withUnsafeBufferPointer { slots in
                        for r in r0...r1 {
                            // Cells of one row are contiguous: scan them as one run.
                            let from = Int(start[r * cols + c0])
                            let to = Int(start[r * cols + c1 + 1])
                            var k = from
                            while k < to {
                                let dx = xs[k] - x
                                let dy = ys[k] - y
                                let d2 = dx * dx + dy * dy
                                if d2 <= r2 { body(slots[k], d2) }
                                k += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// The up-to-`max` nearest slots within `radius`, excluding `excluded`, written into `out`
    /// in ascending slot order. `scratch` is reused storage. Ties in distance go to the lower slot.
    ///
    /// `hint` is a guess at the distance of the `max`-th nearest (last tick's answer plus how far
    /// anyone can have moved). The search tries that smaller circle first; if it holds at least
    /// `max` others, no one outside it can be among the nearest, so the answer is exact either way.
    /// Returns the distance of the `max`-th nearest, or infinity when fewer were found.
    @discardableResult
    public func nearest(
        x: Float, y: Float, radius: Float, hint: Float = .infinity, max: Int, excluding excluded: Int32,
        into out: inout [Int32], scratch: inout [UInt64]
    ) -> Float {
        if hint < radius {
            let cutoff = nearestWithin(
                x: x, y: y, radius: hint, max: max, excluding: excluded, into: &out, scratch: &scratch)
            if out.count == max { return cutoff }
        }
        return nearestWithin(x: x, y: y, radius: radius, max: max, excluding: excluded, into: &out, scratch: &scratch)
    }

    private func nearestWithin(
        x: Float, y: Float, radius: Float, max: Int, excluding excluded: Int32,
        into out: inout [Int32], scratch: inout [UInt64]
    ) -> Float {
        out.removeAll(keepingCapacity: true)
        let c0 = Swift.max(0, Int((x - radius - minX) / cellM))
        let c1 = Swift.min(cols - 1, Int((x + radius - minX) / cellM))
        let r0 = Swift.max(0, Int((y - radius - minY) / cellM))
        let r1 = Swift.min(rows - 1, Int((y + radius - minY) / cellM))
        if c0 > c1 || r0 > r1 { return .infinity }
        // Size the scratch for every point in the scanned rows, then fill it without bounds checks.
        var bound = 0
        for r in r0...r1 { bound += Int(cellStart[r * cols + c1 + 1] - cellStart[r * cols + c0]) }
        if scratch.count < bound { scratch = [UInt64](repeating: 0, count: Swift.max(bound, 2 * scratch.count)) }
        let r2 = radius * radius
        var found = 0
        var cutoff = Float.infinity
        cellStart.withUnsafeBufferPointer { start in
            xs.withUnsafeBufferPointer { xs in
                ys.withUnsafeBufferPointer { ys in
                    slots.withUnsafeBufferPointer { slots in
                        scratch.withUnsafeMutableBufferPointer { keys in
                            for r in r0...r1 {
                                var k = Int(start[r * cols + c0])
                                let to = Int(start[r * cols + c1 + 1])
                                while k < to {
                                    let dx = xs[k] - x
                                    let dy = ys[k] - y
                                    let d2 = dx * dx + dy * dy
                                    // A non-negative float's bits order like the float: (distance, slot) in one key.
                                    if d2 <= r2 && slots[k] != excluded {
                                        keys[found] = UInt64(d2.bitPattern) << 32 | UInt64(UInt32(slots[k]))
                                        found += 1
                                    }
                                    k += 1
                                }
                            }
                            if found > max + 8 {
                                var head = UnsafeMutableBufferPointer(rebasing: keys[0..<found])
                                selectSmallest(&head, k: max)
                            } else if found > max {
                                // A few too many (the usual case with a good hint): move the largest to
                                // the end one at a time, branch-free scans instead of a quickselect.
                                var end = found
                                while end > max {
                                    var largest = 0
                                    for i in 1..<end where keys[i] > keys[largest] { largest = i }
                                    keys.swapAt(largest, end - 1)
                                    end -= 1
                                }
                            }
                            if found >= max && max > 0 {
                                var kth: UInt64 = 0
                                for i in 0..<max { kth = Swift.max(kth, keys[i]) }
                                cutoff = Float(bitPattern: UInt32(truncatingIfNeeded: kth >> 32)).squareRoot()
                            }
                        }
                    }
                }
            }
        }
        let kept = Swift.min(max, found)
        for i in 0..<kept { out.append(Int32(truncatingIfNeeded: scratch[i] & 0xFFFF_FFFF)) }
        out.sort()
        return cutoff
    }
}

/// Rearranges `keys` so that its first `k` are the `k` smallest (quickselect, expected O(n)).
func selectSmallest(_ keys: inout UnsafeMutableBufferPointer<UInt64>, k: Int) {
    var lo = 0
    var hi = keys.count - 1
    while lo < hi {
        let mid = lo + (hi - lo) / 2
        if keys[mid] < keys[lo] { keys.swapAt(mid, lo) }
        if keys[hi] < keys[lo] { keys.swapAt(hi, lo) }
        if keys[hi] < keys[mid] { keys.swapAt(hi, mid) }
        let pivot = keys[mid]
        var i = lo
        var j = hi
        while i <= j {
            while keys[i] < pivot { i += 1 }
            while pivot < keys[j] { j -= 1 }
            if i <= j {
                keys.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if k - 1 <= j {
            hi = j
        } else if k - 1 >= i {
            lo = i
        } else {
            return
        }
    }
}
