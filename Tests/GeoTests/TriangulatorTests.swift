import Foundation
import Testing
import WorldModel

@testable import Geo

/// Ear clipping with holes: areas add up, every triangle faces up, counts match n + 2h − 2.
@Suite struct TriangulatorTests {
    func area(_ ring: [Point]) -> Double { Polygon(ring).signedArea }

    /// Checks a triangulation and returns the summed triangle area.
    func check(_ outer: [Point], _ holes: [[Point]] = [], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let all = outer + holes.flatMap { $0 }
        let tris = try Triangulator.triangulate(outer: outer, holes: holes)
        #expect(tris.count % 3 == 0, sourceLocation: sourceLocation)
        var sum = 0.0
        for t in stride(from: 0, to: tris.count, by: 3) {
            let a = all[Int(tris[t])]
            let b = all[Int(tris[t + 1])]
            let c = all[Int(tris[t + 2])]
            let doubled = Triangulator.cross(a, b, c)
            #expect(doubled >= -1e-9, "triangle \(t / 3) is clockwise", sourceLocation: sourceLocation)
            sum += doubled / 2
        }
        let expected = area(outer) + holes.reduce(0) { $0 + area($1) }
        #expect(
            abs(sum - expected) <= 0.001 * abs(expected), "area \(sum) vs \(expected)", sourceLocation: sourceLocation)
    }

    func square(_ x: Double, _ y: Double, _ s: Double) -> [Point] {
        [Point(x, y), Point(x + s, y), Point(x + s, y + s), Point(x, y + s)]
    }

    @Test func squareAndTriangle() throws {
        try check(square(0, 0, 10))
        #expect(try Triangulator.triangulate(outer: square(0, 0, 10)).count == 6)
        try check([Point(0, 0), Point(4, 0), Point(0, 3)])
    }

    @Test func lShapeAndUShape() throws {
        try check([Point(0, 0), Point(10, 0), Point(10, 3), Point(3, 3), Point(3, 10), Point(0, 10)])
        let u = [
            Point(0, 0), Point(12, 0), Point(12, 10), Point(8, 10), Point(8, 3), Point(4, 3), Point(4, 10),
            Point(0, 10),
        ]
        try check(u)
        #expect(try Triangulator.triangulate(outer: u).count == 3 * (u.count - 2))
    }

    @Test func collinearPointsAreHandled() throws {
        try check([
            Point(0, 0), Point(5, 0), Point(10, 0), Point(10, 5), Point(10, 10), Point(5, 10), Point(0, 10),
            Point(0, 5),
        ])
        try check([Point(0, 0), Point(1, 0), Point(2, 0), Point(3, 0), Point(3, 1), Point(0, 1)])
    }

    @Test func oneHoleAndSeveralHoles() throws {
        let hole = square(3, 3, 4).reversed().map { $0 }
        try check(square(0, 0, 10), [hole])
        #expect(try Triangulator.triangulate(outer: square(0, 0, 10), holes: [hole]).count == 3 * (8 + 2 - 2))
        let holes = [square(1, 1, 2), square(5, 1, 2), square(1, 5, 2), square(5, 5, 3)].map { Array($0.reversed()) }
        try check(square(0, 0, 10), holes)
        // Holes sharing an x with each other and with outer vertices.
        try check(square(0, 0, 20), [square(2, 2, 4), square(2, 10, 4), square(12, 2, 4)].map { Array($0.reversed()) })
    }

    @Test func concaveOuterWithAHoleInTheDent() throws {
        let outer = [Point(0, 0), Point(20, 0), Point(20, 20), Point(10, 8), Point(0, 20)]
        try check(outer, [Array(square(8, 2, 3).reversed())])
    }

    @Test func randomStarPolygons() throws {
        var rng = SplitMix64(seed: 11)
        for n in 3...60 {
            for _ in 0..<10 {
                // A star-shaped polygon: sorted angles, random radii. It is simple when no angular gap
                // reaches 180° (the centre sees every vertex); skip the others.
                let angles = (0..<n).map { _ in Double.random(in: 0..<(2 * .pi), using: &rng) }.sorted()
                let radii = (0..<n).map { _ in Double.random(in: 2...10, using: &rng) }
                let gaps = zip(angles, angles.dropFirst() + [angles[0] + 2 * .pi]).map { $1 - $0 }
                guard gaps.allSatisfy({ $0 < .pi }) else { continue }
                let ring = zip(angles, radii).map { Point($1 * cos($0), $1 * sin($0)) }
                guard Set(ring).count == n, abs(Polygon(ring).signedArea) > 1e-6 else { continue }
                try check(ring)
                // With no angular gap over 90°, every edge stays over 1.4 from the centre: a hole fits.
                if gaps.allSatisfy({ $0 < .pi / 2 }) {
                    try check(ring, [Array(square(-0.5, -0.5, 1).reversed())])
                }
            }
        }
    }

    @Test func combAndSpiralShapes() throws {
        var comb: [Point] = [Point(0, 0)]
        for i in 0..<20 {
            let x = Double(i) * 2
            comb += [Point(x + 1, 0), Point(x + 1, 5), Point(x + 2, 5), Point(x + 2, 0)]
        }
        comb += [Point(41, 0), Point(41, -3), Point(0, -3)]
        try check(Array(comb.reversed()).signedAreaPositive())
    }

    @Test func holesOutsideOrTooFewPointsFail() {
        #expect(throws: Triangulator.Failure.self) { try Triangulator.triangulate(outer: [Point(0, 0), Point(1, 0)]) }
        #expect(throws: Triangulator.Failure.self) {
            try Triangulator.triangulate(outer: square(0, 0, 1), holes: [Array(square(5, 5, 1).reversed())])
        }
    }
}

extension Array where Element == Point {
    /// The ring turned counter-clockwise if it was clockwise.
    func signedAreaPositive() -> [Point] { Polygon(self).signedArea < 0 ? reversed() : self }
}
