import Testing
import WorldModel

@testable import Geo

/// Ring cleaning: closing points, repeats, orientation, and each rejection rule.
@Suite struct RingCleanerTests {
    @Test func closedClockwiseRingsWithRepeatsBecomeCleanCounterClockwise() throws {
        let raw = [Point(0, 0), Point(0, 10), Point(0, 10), Point(10, 10), Point(10, 0), Point(0, 0)]
        let clean = try RingCleaner.clean(outer: raw)
        #expect(clean.outer.count == 4)
        #expect(Polygon(clean.outer).signedArea == 100)
    }

    @Test func holesTurnClockwiseAndDegenerateHolesAreDropped() throws {
        let outer = [Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10)]
        let hole = [Point(2, 2), Point(4, 2), Point(4, 4), Point(2, 4)]
        let flat = [Point(5, 5), Point(6, 6), Point(7, 7)]
        let clean = try RingCleaner.clean(outer: outer, holes: [hole, flat])
        #expect(clean.holes.count == 1)
        #expect(Polygon(clean.holes[0]).signedArea == -4)
        #expect(clean.area == 96)
    }

    @Test(arguments: [
        ([Point(0, 0), Point(1, 1)], "too_few_points"),
        ([Point(0, 0), Point(1, 1), Point(2, 2)], "zero_area"),
        ([Point(0, 0), Point(10, 10), Point(10, 0), Point(0, 10)], "self_intersection"),
        ([Point(0, 0), Point(.nan, 1), Point(2, 0)], "invalid_coordinate"),
    ])
    func badRingsAreRejectedByRule(_ ring: [Point], _ rule: String) {
        #expect(throws: RingCleaner.Rejection.self) { try RingCleaner.clean(outer: ring) }
        do {
            _ = try RingCleaner.clean(outer: ring)
        } catch {
            #expect(error.rule == rule)
        }
    }

    @Test func aHoleOutsideIsRejected() {
        let outer = [Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10)]
        let hole = [Point(20, 20), Point(22, 20), Point(22, 22)]
        do {
            _ = try RingCleaner.clean(outer: outer, holes: [hole])
            Issue.record("accepted a hole outside")
        } catch {
            #expect(error.rule == "hole_outside")
        }
    }
}
