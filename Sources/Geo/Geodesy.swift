import Foundation
import WorldModel

/// The WGS84 ellipsoid (EPSG:4326 / EPSG:4978).
public enum WGS84 {
    /// Semi-major axis, metres.
    public static let a = 6_378_137.0
    /// Flattening.
    public static let f = 1 / 298.257_223_563
    /// First eccentricity squared.
    public static let e2 = f * (2 - f)
    /// Semi-minor axis, metres.
    public static let b = a * (1 - f)
}

/// Earth-centred, Earth-fixed Cartesian coordinates in metres.
public struct ECEF: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }
}

/// Local East-North-Up coordinates in metres about an anchor.
public struct ENU: Hashable, Sendable, Codable {
    public var e: Double
    public var n: Double
    public var u: Double

    public init(e: Double, n: Double, u: Double) {
        self.e = e
        self.n = n
        self.u = u
    }
}

extension GeoAnchor {
    /// This geodetic position on the WGS84 ellipsoid as ECEF.
    public var ecef: ECEF {
        let phi = latitude * .pi / 180
        let lambda = longitude * .pi / 180
        let sinPhi = sin(phi)
        let cosPhi = cos(phi)
        let n = WGS84.a / (1 - WGS84.e2 * sinPhi * sinPhi).squareRoot()
        return ECEF(
            x: (n + height) * cosPhi * cos(lambda), y: (n + height) * cosPhi * sin(lambda),
            z: (n * (1 - WGS84.e2) + height) * sinPhi)
    }

    /// The geodetic position of an ECEF point, exact to well below a millimetre anywhere on Earth.
    ///
    /// Iterates latitude (Bowring's form) with the height formula that stays stable at the poles.
    public init(_ p: ECEF) {
        let lambda = atan2(p.y, p.x)
        let r = (p.x * p.x + p.y * p.y).squareRoot()
        var phi = atan2(p.z, r * (1 - WGS84.e2))
        var height = 0.0
        for _ in 0..<10 {
            let sinPhi = sin(phi)
            let n = WGS84.a / (1 - WGS84.e2 * sinPhi * sinPhi).squareRoot()
            height = r * cos(phi) + p.z * sinPhi - WGS84.a * WGS84.a / n
            let next = atan2(p.z, r * (1 - WGS84.e2 * n / (n + height)))
            let done = abs(next - phi) < 1e-15
            phi = next
            if done { break }
        }
        let sinPhi = sin(phi)
        let n = WGS84.a / (1 - WGS84.e2 * sinPhi * sinPhi).squareRoot()
        height = r * cos(phi) + p.z * sinPhi - WGS84.a * WGS84.a / n
        self.init(latitude: phi * 180 / .pi, longitude: lambda * 180 / .pi, height: height)
    }
}

/// A local East-North-Up frame tangent to the ellipsoid at an anchor: x east, y north, z up.
///
/// Conversions go geodetic → ECEF → rotated offset, exact on the ellipsoid (no flat-earth step).
public struct LocalFrame: Sendable, Hashable {
    public let anchor: GeoAnchor
    private let origin: ECEF
    private let sinPhi: Double
    private let cosPhi: Double
    private let sinLambda: Double
    private let cosLambda: Double

    public init(anchor: GeoAnchor) {
        self.anchor = anchor
        origin = anchor.ecef
        let phi = anchor.latitude * .pi / 180
        let lambda = anchor.longitude * .pi / 180
        sinPhi = sin(phi)
        cosPhi = cos(phi)
        sinLambda = sin(lambda)
        cosLambda = cos(lambda)
    }

    public func enu(_ p: ECEF) -> ENU {
        let dx = p.x - origin.x
        let dy = p.y - origin.y
        let dz = p.z - origin.z
        return ENU(
            e: -sinLambda * dx + cosLambda * dy,
            n: -sinPhi * cosLambda * dx - sinPhi * sinLambda * dy + cosPhi * dz,
            u: cosPhi * cosLambda * dx + cosPhi * sinLambda * dy + sinPhi * dz)
    }

    public func ecef(_ p: ENU) -> ECEF {
        ECEF(
            x: origin.x - sinLambda * p.e - sinPhi * cosLambda * p.n + cosPhi * cosLambda * p.u,
            y: origin.y + cosLambda * p.e - sinPhi * sinLambda * p.n + cosPhi * sinLambda * p.u,
            z: origin.z + cosPhi * p.n + sinPhi * p.u)
    }

    /// A geodetic position in this frame.
    public func enu(_ position: GeoAnchor) -> ENU { enu(position.ecef) }

    /// The geodetic position of a point of this frame.
    public func geodetic(_ p: ENU) -> GeoAnchor { GeoAnchor(ecef(p)) }
}
