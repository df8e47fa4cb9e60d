import Crypto

/// One hour of visits to one space, counted without identities: visitors are keyed by a salted
/// hash that lives only as long as the tally, and each contributes a bounded amount.
///
/// Bounds (what makes the noise calibration right): one visit per visitor, dwell clamped to the
/// hour, and one heatmap cell per visitor — the cell where they spent most of the hour.
public struct VisitTally: Sendable {
    /// Distinct cells remembered per visitor (later new cells are ignored; memory stays bounded).
    public static let cellsPerVisitorMax = 64
    /// Visitors remembered per hour; past that arrivals are not counted (and `overflowed` is set).
    public static let visitorsMax = 200_000

    struct Visitor: Codable, Sendable {
        var dwellS: Int32 = 0
        var cells: [UInt32: Int32] = [:]
    }

    public let hourStart: Int64
    public let grid: HeatGrid
    /// When counting began and ended (seconds since 1970): the whole hour unless the space started
    /// being served in the middle of it (a restart, or a node taking it over after a crash or a
    /// drain), or the hour was closed early.
    public internal(set) var countedFrom: Int64
    public var countedUntil: Int64
    private(set) var visitors: [UInt64: Visitor] = [:]
    public private(set) var overflowed = false

    /// Seconds of an hour boundary the once-a-second check may miss without making the hour partial.
    public static let boundaryToleranceS: Int64 = 2

    public init(hourStart: Int64, grid: HeatGrid, countedFrom: Int64? = nil) {
        self.hourStart = hourStart
        self.grid = grid
        self.countedFrom = max(hourStart, countedFrom ?? hourStart)
        countedUntil = hourStart + 3600
    }

    /// Whether some of the hour went uncounted (its release then says which part was counted).
    public var isPartial: Bool {
        countedFrom > hourStart + Self.boundaryToleranceS
            || countedUntil < hourStart + 3600 - Self.boundaryToleranceS
    }

    /// Counts a visitor as present (once per hour, however often they come and go).
    public mutating func arrive(visitor: UInt64) {
        if visitors[visitor] == nil {
            guard visitors.count < Self.visitorsMax else {
                overflowed = true
                return
            }
            visitors[visitor] = Visitor()
        }
    }

    /// Adds `seconds` of presence at (`x`, `y`) metres in space coordinates.
    public mutating func observe(visitor: UInt64, x: Double, y: Double, seconds: Int32) {
        guard visitors[visitor] != nil else { return }
        let cell = grid.cell(x: x, y: y)
        visitors[visitor]!.dwellS = min(3600, visitors[visitor]!.dwellS + seconds)
        if let c = visitors[visitor]!.cells[cell] {
            visitors[visitor]!.cells[cell] = c + seconds
        } else if visitors[visitor]!.cells.count < Self.cellsPerVisitorMax {
            visitors[visitor]!.cells[cell] = seconds
        }
    }

    /// The true (un-noised) figures. Only `HourRelease.make` should look at them.
    public var visitCount: Int { visitors.count }
    /// Dwell in minutes summed over visitors, each clamped to 60.
    public var dwellMinutes: Double { visitors.values.reduce(0) { $0 + Double(min(3600, $1.dwellS)) / 60 } }
    /// Visitors per cell, each counted in the one cell where they spent most time (ties: lowest cell).
    public var mainCells: [UInt32: Int] {
        var counts: [UInt32: Int] = [:]
        for v in visitors.values {
            guard let best = v.cells.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })
            else { continue }
            counts[best.key, default: 0] += 1
        }
        return counts
    }
}

extension VisitTally {
    /// An hour's tally in transit from one node to the next (a space moving on a drain), kept in
    /// memory on both sides like the tally itself: salted keys, dwell and cells, never identities.
    public struct Checkpoint: Codable, Sendable {
        var hourStart: Int64
        var countedFrom: Int64
        var visitors: [UInt64: Visitor]
        var overflowed: Bool
    }

    public var checkpoint: Checkpoint {
        Checkpoint(hourStart: hourStart, countedFrom: countedFrom, visitors: visitors, overflowed: overflowed)
    }

    /// The tally of `checkpoint` on `grid`, still counting; nil when the checkpoint does not fit
    /// (more visitors than a tally holds, cells off the grid).
    public init?(checkpoint: Checkpoint, grid: HeatGrid) {
        let cells = UInt32(grid.cellCount)
        guard checkpoint.visitors.count <= Self.visitorsMax,
            checkpoint.visitors.values.allSatisfy({
                $0.cells.count <= Self.cellsPerVisitorMax && (0...3600).contains($0.dwellS)
                    && $0.cells.allSatisfy { $0.key < cells && (0...3600).contains($0.value) }
            })
        else { return nil }
        self.init(hourStart: checkpoint.hourStart, grid: grid, countedFrom: checkpoint.countedFrom)
        visitors = checkpoint.visitors
        overflowed = checkpoint.overflowed
    }

    /// Adds what `other` counted in the same hour: its visitors under the key `rekey` gives them
    /// (the same person counted by both tallies becomes one visitor) or their own, their dwell and
    /// cells summed; the hour counts from the earlier start.
    public mutating func absorb(_ other: VisitTally, rekey: [UInt64: UInt64]) {
        countedFrom = min(countedFrom, other.countedFrom)
        for (key, visitor) in other.visitors {
            let mine = rekey[key] ?? key
            arrive(visitor: mine)
            guard visitors[mine] != nil else { continue }
            for (cell, seconds) in visitor.cells {
                let (x, y) = grid.centre(of: cell)
                observe(visitor: mine, x: x, y: y, seconds: seconds)
            }
            let uncelled = visitor.dwellS - visitor.cells.values.reduce(0, +)
            if uncelled > 0 { visitors[mine]!.dwellS = min(3600, visitors[mine]!.dwellS + uncelled) }
        }
        overflowed = overflowed || other.overflowed
    }
}

/// A coarse grid over a space: at most 32 × 32 cells, at least 20 m wide.
public struct HeatGrid: Codable, Hashable, Sendable {
    public var originX: Double
    public var originY: Double
    public var cellM: Double
    public var columns: Int
    public var rows: Int

    public init(minX: Double, minY: Double, width: Double, depth: Double, sideCellsMax: Int = 32, cellMinM: Double = 20)
    {
        originX = minX
        originY = minY
        cellM = max(cellMinM, max(width, depth) / Double(sideCellsMax))
        columns = max(1, Int((width / cellM).rounded(.up)))
        rows = max(1, Int((depth / cellM).rounded(.up)))
    }

    public var cellCount: Int { columns * rows }

    /// The middle of cell `cell` (row-major), in metres.
    public func centre(of cell: UInt32) -> (x: Double, y: Double) {
        let c = Int(cell) % columns
        let r = Int(cell) / columns
        return (originX + (Double(c) + 0.5) * cellM, originY + (Double(r) + 0.5) * cellM)
    }

    /// The cell index (row-major) holding (`x`, `y`); points outside are clamped to the edge.
    public func cell(x: Double, y: Double) -> UInt32 {
        let c = min(max(0, Int(((x - originX) / cellM).rounded(.down))), columns - 1)
        let r = min(max(0, Int(((y - originY) / cellM).rounded(.down))), rows - 1)
        return UInt32(r * columns + c)
    }
}

/// The secret of one hour's visitor keys, held in memory as long as its tally (and moved with it
/// when its space moves to another node).
///
/// A key is the first 8 bytes of HMAC-SHA256(salt, id): the same on every node that has the salt,
/// and without the salt it cannot be tested against persona ids (which are small numbers).
public struct VisitSalt: Codable, Sendable, Hashable {
    let bytes: [UInt8]

    public static func random() -> VisitSalt {
        var generator = SystemRandomNumberGenerator()
        return VisitSalt(bytes: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Whether it is a salt this code makes (16 bytes).
    public var isWellFormed: Bool { bytes.count == 16 }

    /// The visitor key of `id` (a persona, or a negative number for a guest's avatar).
    public func key(for id: Int64) -> UInt64 {
        let code = HMAC<SHA256>.authenticationCode(
            for: withUnsafeBytes(of: id.littleEndian) { Array($0) }, using: SymmetricKey(data: bytes))
        return code.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }
}
