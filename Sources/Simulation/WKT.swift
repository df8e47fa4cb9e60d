import Foundation
import WorldModel

/// Reads the Well-Known Text polygons scenarios use: `POLYGON ((x y, …), (hole …), …)` in metres.
public enum WKT {
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Rings beyond this many points are refused (a scenario is written by hand or by a tool).
    public static let pointsMax = 100_000

    /// The outer ring and holes of a POLYGON; rings are closed implicitly (a repeated first point is dropped).
    public static func polygon(_ text: String) throws(ParseError) -> (outer: Polygon, holes: [Polygon]) {
        var rest = Substring(text).drop { $0.isWhitespace }
        guard rest.uppercased().hasPrefix("POLYGON") else {
            throw ParseError(reason: "expected POLYGON ((x y, ...)), got '\(text.prefix(20))'")
        }
        rest = rest.dropFirst("POLYGON".count).drop { $0.isWhitespace }
        guard rest.first == "(", rest.last(where: { !$0.isWhitespace }) == ")" else {
            throw ParseError(reason: "POLYGON needs ((...)) around its rings")
        }
        rest = rest.dropFirst()
        rest = rest[..<rest.lastIndex(of: ")")!]
        var rings: [Polygon] = []
        var count = 0
        while let open = rest.firstIndex(of: "(") {
            guard let close = rest[open...].firstIndex(of: ")") else {
                throw ParseError(reason: "a ring is not closed with ')'")
            }
            var points: [Point] = []
            for pair in rest[rest.index(after: open)..<close].split(separator: ",") {
                let numbers = pair.split(whereSeparator: \.isWhitespace).map { Double($0) }
                guard numbers.count == 2, let x = numbers[0], let y = numbers[1], x.isFinite, y.isFinite else {
                    throw ParseError(reason: "'\(pair.trimmingCharacters(in: .whitespaces))' is not 'x y' in metres")
                }
                points.append(Point(x, y))
            }
            count += points.count
            guard count <= pointsMax else { throw ParseError(reason: "more than \(pointsMax) points") }
            if points.count > 1, points.first == points.last { points.removeLast() }
            guard points.count >= 3 else { throw ParseError(reason: "a ring needs at least 3 distinct points") }
            let ring = Polygon(points)
            guard abs(ring.signedArea) > 1e-9 else { throw ParseError(reason: "a ring has no area") }
            rings.append(ring)
            rest = rest[rest.index(after: close)...]
        }
        guard let outer = rings.first else { throw ParseError(reason: "POLYGON has no ring") }
        return (outer, Array(rings.dropFirst()))
    }
}
