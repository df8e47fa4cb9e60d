import Testing
import WorldModel

@testable import Realtime

/// The interest grid against brute force, exhaustively on small random scenes.
@Suite struct AOIGridTests {
    func scene(_ n: Int, seed: UInt64, side: Float) -> ([Float], [Float]) {
        var rng = SplitMix64(seed: seed)
        let xs = (0..<n).map { _ in Float.random(in: 0..<side, using: &rng) }
        let ys = (0..<n).map { _ in Float.random(in: 0..<side, using: &rng) }
        return (xs, ys)
    }

    @Test(arguments: [0, 1, 2, 5, 17, 64, 65, 200])
    func forEachFindsExactlyThoseInTheCircle(n: Int) {
        for seed in 0..<20 {
            let (xs, ys) = scene(n, seed: UInt64(seed), side: 100)
            var grid = AOIGrid(minX: 0, minY: 0, width: 100, depth: 100, preferredCellM: 7)
            grid.rebuild(x: xs, y: ys)
            for i in 0..<n {
                var found: Set<Int32> = []
                grid.forEach(nearX: xs[i], y: ys[i], radius: 20) { slot, _ in found.insert(slot) }
                let expected = Set(
                    (0..<n).filter { j in
                        let dx = xs[j] - xs[i]
                        let dy = ys[j] - ys[i]
                        return dx * dx + dy * dy <= 400
                    }.map(Int32.init))
                #expect(found == expected, "seed \(seed), avatar \(i)")
            }
        }
    }

    @Test(arguments: [1, 3, 8, 64])
    func nearestKeepsTheClosestInSlotOrder(max: Int) {
        for seed in 0..<30 {
            let n = 150
            let (xs, ys) = scene(n, seed: UInt64(seed) &+ 1000, side: 80)
            var grid = AOIGrid(minX: 0, minY: 0, width: 80, depth: 80, preferredCellM: 20)
            grid.rebuild(x: xs, y: ys)
            var out: [Int32] = []
            var scratch: [UInt64] = []
            let me = Int32(seed % n)
            grid.nearest(
                x: xs[Int(me)], y: ys[Int(me)], radius: 30, max: max, excluding: me, into: &out, scratch: &scratch)
            let d2 = { (j: Int) -> Float in
                let dx = xs[j] - xs[Int(me)]
                let dy = ys[j] - ys[Int(me)]
                return dx * dx + dy * dy
            }
            let expected = (0..<n).filter { $0 != Int(me) && d2($0) <= 900 }
                .sorted { (d2($0), $0) < (d2($1), $1) }.prefix(max).map(Int32.init).sorted()
            #expect(out == expected, "seed \(seed)")
        }
    }

    @Test func anyHintGivesTheSameAnswer() {
        for seed in 0..<20 {
            let (xs, ys) = scene(300, seed: UInt64(seed) &+ 77, side: 120)
            var grid = AOIGrid(minX: 0, minY: 0, width: 120, depth: 120, preferredCellM: 20)
            grid.rebuild(x: xs, y: ys)
            var exact: [Int32] = []
            var hinted: [Int32] = []
            var scratch: [UInt64] = []
            let me = Int32(seed)
            let cutoff = grid.nearest(
                x: xs[Int(me)], y: ys[Int(me)], radius: 60, max: 16, excluding: me, into: &exact, scratch: &scratch)
            for hint: Float in [0, 1, 5, cutoff, cutoff + 0.5, 30, 59, .infinity] {
                grid.nearest(
                    x: xs[Int(me)], y: ys[Int(me)], radius: 60, hint: hint, max: 16, excluding: me, into: &hinted,
                    scratch: &scratch)
                #expect(hinted == exact, "seed \(seed), hint \(hint)")
            }
        }
    }

    @Test func positionsOutsideTheBoundsLandInEdgeCells() {
        var grid = AOIGrid(minX: 0, minY: 0, width: 10, depth: 10, preferredCellM: 5)
        grid.rebuild(x: [-5, 15], y: [-5, 15])
        var found: [Int32] = []
        grid.forEach(nearX: 0, y: 0, radius: 8) { slot, _ in found.append(slot) }
        #expect(found == [0])
    }

    @Test func hugeSpacesUseBiggerCellsNotMoreMemory() {
        let grid = AOIGrid(minX: 0, minY: 0, width: 20_000, depth: 20_000, preferredCellM: 1)
        #expect(grid.cols * grid.rows <= AOIGrid.cellsMax)
    }

    @Test func selectSmallestPutsTheKSmallestFirst() {
        var rng = SplitMix64(seed: 9)
        for n in 1...40 {
            for k in 1...n {
                var keys = (0..<n).map { _ in UInt64.random(in: 0..<20, using: &rng) }
                let expected = keys.sorted().prefix(k)
                keys.withUnsafeMutableBufferPointer { selectSmallest(&$0, k: k) }
                #expect(keys.prefix(k).sorted() == Array(expected), "n \(n) k \(k)")
            }
        }
    }
}
