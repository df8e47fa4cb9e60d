import Foundation

/// Distance and bearing between two points on the WGS84 ellipsoid: Vincenty's inverse solution,
/// which agrees with Karney's (pyproj's `Geod.inv`) to well under a millimetre at city distances.
/// For missions on site: how far the next checkpoint is, and in which direction.
public enum Geodesic {
    /// The geodesic from (`lat1`, `lon1`) to (`lat2`, `lon2`) in degrees: its length in metres and
    /// its initial bearing in degrees clockwise from north (0..<360). Nil for points that are not on
    /// the globe (latitude beyond ±90°, longitude beyond ±180°, NaN), or nearly antipodal points,
    /// where the iteration does not settle (no mission spans half the Earth).
    public static func inverse(lat1: Double, lon1: Double, lat2: Double, lon2: Double)
        -> (distanceM: Double, bearingDeg: Double)?
    {
        for (lat, lon) in [(lat1, lon1), (lat2, lon2)] {
            guard lat.isFinite, lon.isFinite, abs(lat) <= 90, abs(lon) <= 180 else { return nil }
        }
        let a = WGS84.a
        let f = WGS84.f
        let b = WGS84.b
        let radians = Double.pi / 180
        let l = (lon2 - lon1) * radians
        let u1 = atan((1 - f) * tan(lat1 * radians))
        let u2 = atan((1 - f) * tan(lat2 * radians))
        let (sinU1, cosU1, sinU2, cosU2) = (sin(u1), cos(u1), sin(u2), cos(u2))
        var lambda = l
        var iterations = 0
        var sinSigma = 0.0
        var cosSigma = 0.0
        var sigma = 0.0
        var cos2Alpha = 0.0
        var cos2SigmaM = 0.0
        while true {
            let sinLambda = sin(lambda)
            let cosLambda = cos(lambda)
            let t1 = cosU2 * sinLambda
            let t2 = cosU1 * sinU2 - sinU1 * cosU2 * cosLambda
            sinSigma = (t1 * t1 + t2 * t2).squareRoot()
            if sinSigma == 0 { return (0, 0) }  // the same point
            cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda
            sigma = atan2(sinSigma, cosSigma)
            let sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma
            cos2Alpha = 1 - sinAlpha * sinAlpha
            cos2SigmaM = cos2Alpha != 0 ? cosSigma - 2 * sinU1 * sinU2 / cos2Alpha : 0  // on the equator
            let c = f / 16 * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha))
            let previous = lambda
            lambda =
                l + (1 - c) * f * sinAlpha
                * (sigma + c * sinSigma * (cos2SigmaM + c * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)))
            iterations += 1
            if abs(lambda - previous) < 1e-12 { break }
            if iterations >= 200 { return nil }
        }
        let uSquared = cos2Alpha * (a * a - b * b) / (b * b)
        let bigA = 1 + uSquared / 16384 * (4096 + uSquared * (-768 + uSquared * (320 - 175 * uSquared)))
        let bigB = uSquared / 1024 * (256 + uSquared * (-128 + uSquared * (74 - 47 * uSquared)))
        let deltaSigma =
            bigB * sinSigma
            * (cos2SigmaM + bigB / 4
                * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) - bigB / 6 * cos2SigmaM
                    * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)))
        let distance = b * bigA * (sigma - deltaSigma)
        let bearing =
            atan2(cosU2 * sin(lambda), cosU1 * sinU2 - sinU1 * cosU2 * cos(lambda)) / radians
        return (distance, (bearing + 360).truncatingRemainder(dividingBy: 360))
    }
}
