/// The crowd's agents, stored as a structure of arrays: one column per field, one row per agent,
/// rows in the order the agents came in.
///
/// Columns rather than an array of structs because the step reads a few fields of every agent and
/// the neighbour grid copies positions and radii out in cell order (measured: arrays of scalars
/// beat structs and classes per agent, STYLE.md). A row index is valid until the next `compact`;
/// `id` is what names an agent for good.
struct Agents: Sendable {
    /// One agent's fields: what `append` takes and the subscript reads.
    struct Row: Codable, Sendable, Hashable {
        var x: Double
        var y: Double
        /// The speed model's orientation (a unit vector) or the social force model's velocity (m/s).
        var ox: Double
        var oy: Double
        /// Desired speed, m/s.
        var v0: Double
        var radiusM: Double
        /// The speed model's time gap T, s.
        var timeGapS: Double
        /// Index of the exit it walks to, in scenario order.
        var goal: Int32
        /// Index of its group, in scenario order.
        var group: Int32
        /// When it came in, s of simulated time.
        var startS: Double
        /// Its route length to the exit when it came in, m.
        var routeM: Double
        /// A stable number, never reused in a run, so a live view can follow the agent.
        var id: UInt32
    }

    var x: [Double] = []
    var y: [Double] = []
    var ox: [Double] = []
    var oy: [Double] = []
    var v0: [Double] = []
    var radius: [Double] = []
    var timeGap: [Double] = []
    var goal: [Int32] = []
    var group: [Int32] = []
    var startS: [Double] = []
    var routeM: [Double] = []
    var id: [UInt32] = []

    var count: Int { x.count }
    var isEmpty: Bool { x.isEmpty }

    /// Agent `i`'s row.
    @inline(__always)
    subscript(i: Int) -> Row {
        Row(
            x: x[i], y: y[i], ox: ox[i], oy: oy[i], v0: v0[i], radiusM: radius[i], timeGapS: timeGap[i],
            goal: goal[i], group: group[i], startS: startS[i], routeM: routeM[i], id: id[i])
    }

    /// Adds `row` as the last agent. Complexity: amortised O(1).
    mutating func append(_ row: Row) {
        x.append(row.x)
        y.append(row.y)
        ox.append(row.ox)
        oy.append(row.oy)
        v0.append(row.v0)
        radius.append(row.radiusM)
        timeGap.append(row.timeGapS)
        goal.append(row.goal)
        group.append(row.group)
        startS.append(row.startS)
        routeM.append(row.routeM)
        id.append(row.id)
    }

    /// Removes the agents at `rows` (row indices, ascending) and closes the gaps: the survivors keep
    /// their order. Complexity: O(count), in place.
    mutating func compact(removing rows: [Int]) {
        precondition(zip(rows, rows.dropFirst()).allSatisfy { $0 < $1 }, "rows to remove ascend")
        var next = 0
        var kept = 0
        for i in x.indices {
            if next < rows.count && rows[next] == i {
                next += 1
                continue
            }
            if kept != i { set(kept, to: self[i]) }
            kept += 1
        }
        let gone = count - kept
        guard gone > 0 else { return }
        x.removeLast(gone)
        y.removeLast(gone)
        ox.removeLast(gone)
        oy.removeLast(gone)
        v0.removeLast(gone)
        radius.removeLast(gone)
        timeGap.removeLast(gone)
        goal.removeLast(gone)
        group.removeLast(gone)
        startS.removeLast(gone)
        routeM.removeLast(gone)
        id.removeLast(gone)
    }

    private mutating func set(_ i: Int, to row: Row) {
        x[i] = row.x
        y[i] = row.y
        ox[i] = row.ox
        oy[i] = row.oy
        v0[i] = row.v0
        radius[i] = row.radiusM
        timeGap[i] = row.timeGapS
        goal[i] = row.goal
        group[i] = row.group
        startS[i] = row.startS
        routeM[i] = row.routeM
        id[i] = row.id
    }

    // MARK: The step's views

    /// The columns a step computes — each agent's next position and orientation (or velocity) —
    /// as raw views of `Motion`'s scratch arrays, for the step's workers to fill.
    ///
    /// `@unchecked Sendable` because raw pointers are not Sendable. Sound because the views live
    /// only inside `move(using:_:)`, which holds the arrays exclusively meanwhile, and each worker
    /// writes only the rows of the agents in its own range of the cell order (a permutation of the
    /// rows, split into disjoint ranges), so no element is written twice or read while written.
    struct MotionOutput: @unchecked Sendable {
        let x: UnsafeMutableBufferPointer<Double>
        let y: UnsafeMutableBufferPointer<Double>
        let ox: UnsafeMutableBufferPointer<Double>
        let oy: UnsafeMutableBufferPointer<Double>
    }

    /// Scratch columns a step writes the next positions and orientations into; kept between steps
    /// so a step allocates nothing while the crowd's size stays the same.
    struct Motion {
        var x: [Double] = []
        var y: [Double] = []
        var ox: [Double] = []
        var oy: [Double] = []
    }

    /// Calls `body` with views of `next` (one row per agent) for it to fill with every agent's next
    /// position and orientation, then swaps them in: they become the agents' own, and the old
    /// columns become `next`'s scratch. `body` must write every row; it reads the agents from a
    /// copy taken before (these columns are not changed while it runs).
    mutating func move(using next: inout Motion, _ body: (MotionOutput) -> Void) {
        let n = count
        if next.x.count != n {
            next.x = [Double](repeating: 0, count: n)
            next.y = next.x
            next.ox = next.x
            next.oy = next.x
        }
        next.x.withUnsafeMutableBufferPointer { nx in
            next.y.withUnsafeMutableBufferPointer { ny in
                next.ox.withUnsafeMutableBufferPointer { nox in
                    next.oy.withUnsafeMutableBufferPointer { noy in
                        body(MotionOutput(x: nx, y: ny, ox: nox, oy: noy))
                    }
                }
            }
        }
        swap(&x, &next.x)
        swap(&y, &next.y)
        swap(&ox, &next.ox)
        swap(&oy, &next.oy)
    }
}
