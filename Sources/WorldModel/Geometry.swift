/// A point or vector in a space's local East-North frame, in metres.
///
/// Encoded in JSON as `[x, y]` so manifests stay short and readable.
public struct Point: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double

    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let x = try container.decode(Double.self)
        let y = try container.decode(Double.self)
        guard container.isAtEnd else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a point is [x, y] in metres")
        }
        guard x.isFinite, y.isFinite else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "coordinates must be finite")
        }
        self.init(x, y)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(x)
        try container.encode(y)
    }

    public static func - (a: Point, b: Point) -> Point { Point(a.x - b.x, a.y - b.y) }
    public static func + (a: Point, b: Point) -> Point { Point(a.x + b.x, a.y + b.y) }
    public static func * (a: Point, s: Double) -> Point { Point(a.x * s, a.y * s) }

    public func dot(_ o: Point) -> Double { x * o.x + y * o.y }
    public var lengthSquared: Double { x * x + y * y }
    public var length: Double { lengthSquared.squareRoot() }
}

/// An axis-aligned box in a space's ENU frame (metres): where avatars may be.
public struct Bounds: Hashable, Sendable, Codable {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double
    /// Lowest and highest allowed height of an avatar's feet (metres, up).
    public var minZ: Double
    public var maxZ: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double, minZ: Double = 0, maxZ: Double = 10) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
        self.minZ = minZ
        self.maxZ = maxZ
    }

    public var width: Double { maxX - minX }
    public var depth: Double { maxY - minY }
    public var height: Double { maxZ - minZ }

    public func contains(_ p: Point) -> Bool {
        p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY
    }
}

/// A simple polygon (one outer ring, either orientation, not closed) in metres.
///
/// Used for obstacles: avatars may not stand inside one or closer than their radius to its edges.
public struct Polygon: Hashable, Sendable, Codable {
    public var points: [Point]

    public init(_ points: [Point]) {
        self.points = points
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.points = try container.decode([Point].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(points)
    }

    /// Signed area by the shoelace formula: positive when counter-clockwise.
    public var signedArea: Double {
        var sum = 0.0
        for i in points.indices {
            let a = points[i]
            let b = points[(i + 1) % points.count]
            sum += a.x * b.y - b.x * a.y
        }
        return sum / 2
    }

    public var boundingBox: (min: Point, max: Point) {
        var lo = Point(.infinity, .infinity)
        var hi = Point(-.infinity, -.infinity)
        for p in points {
            lo = Point(min(lo.x, p.x), min(lo.y, p.y))
            hi = Point(max(hi.x, p.x), max(hi.y, p.y))
        }
        return (lo, hi)
    }

    /// Even-odd point-in-polygon test; points exactly on an edge may go either way.
    public func contains(_ p: Point) -> Bool {
        var inside = false
        var j = points.count - 1
        for i in points.indices {
            let a = points[i]
            let b = points[j]
            if (a.y > p.y) != (b.y > p.y) {
                let xCross = (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x
                if p.x < xCross { inside.toggle() }
            }
            j = i
        }
        return inside
    }

    /// Distance from `p` to the nearest edge of the ring, in metres.
    public func distanceToEdges(_ p: Point) -> Double {
        var best = Double.infinity
        var j = points.count - 1
        for i in points.indices {
            best = min(best, segmentDistance(p, points[j], points[i]))
            j = i
        }
        return best
    }
}

/// Distance from `p` to the segment `a`–`b`.
public func segmentDistance(_ p: Point, _ a: Point, _ b: Point) -> Double {
    let ab = b - a
    let lengthSquared = ab.lengthSquared
    if lengthSquared == 0 { return (p - a).length }
    let t = max(0, min(1, (p - a).dot(ab) / lengthSquared))
    return (p - (a + ab * t)).length
}
