import Foundation

/// The sun's topocentric position by NREL's Solar Position Algorithm (Reda & Andreas 2004):
/// all periodic terms, nutation, aberration, parallax and refraction from pressure and
/// temperature. Valid for years −2000 to 6000, to ±0.0003°.
public struct SolarPosition: Hashable, Sendable, Codable {
    /// Refraction-corrected topocentric zenith angle, degrees.
    public var zenith: Double
    /// Clockwise from north, degrees in [0, 360).
    public var azimuth: Double
    /// 90° − zenith.
    public var elevation: Double

    /// Where the observer is and what the air is like.
    public struct Site: Hashable, Sendable {
        public var latitude: Double
        public var longitude: Double
        /// Metres above sea level.
        public var elevationM: Double = 0
        public var pressureHPa: Double = 1013.25
        public var temperatureC: Double = 12
        /// Sun radius plus atmospheric refraction at the horizon, degrees (SPA's default).
        public var atmosphericRefraction: Double = 0.5667

        public init(latitude: Double, longitude: Double, elevationM: Double = 0) {
            self.latitude = latitude
            self.longitude = longitude
            self.elevationM = elevationM
        }
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case latitude(Double)
        case longitude(Double)
        case year(Int)
        case value(String)

        public var description: String {
            switch self {
            case .latitude(let v): "latitude \(v) is outside −90…90"
            case .longitude(let v): "longitude \(v) is outside −180…180"
            case .year(let y): "year \(y) is outside the algorithm's validity (−2000…6000)"
            case .value(let why): why
            }
        }
    }

    /// The position at `date` (UTC); `deltaT` (TT − UT, seconds) defaults to `SolarPosition.deltaT(for:)`.
    public static func compute(at date: Date, site: Site, deltaT: Double? = nil) throws -> SolarPosition {
        guard (-90...90).contains(site.latitude) else { throw Failure.latitude(site.latitude) }
        guard (-180...180).contains(site.longitude) else { throw Failure.longitude(site.longitude) }
        guard (-1000...10_000).contains(site.pressureHPa), (-273...100).contains(site.temperatureC),
            (-6_500_000...9_000_000).contains(site.elevationM)
        else { throw Failure.value("pressure, temperature or elevation is out of range") }
        let year = astronomicalYear(date)
        guard (-2000...6000).contains(year) else { throw Failure.year(year) }
        let dt = deltaT ?? Self.deltaT(for: date)
        guard dt.isFinite, abs(dt) < 100_000 else { throw Failure.value("ΔT must be a finite number of seconds") }
        return position(jd: julianDay(date), deltaT: dt, site: site)
    }

    /// Julian day (UT) of `date`.
    public static func julianDay(_ date: Date) -> Double {
        date.timeIntervalSince1970 / 86_400 + 2_440_587.5
    }

    /// The year of `date` counted astronomically (1 BC is 0), proleptic Gregorian as in ISO 8601.
    static func astronomicalYear(_ date: Date) -> Int {
        let c = utcCalendar.dateComponents([.era, .year], from: date)
        return c.era == 0 ? 1 - (c.year ?? 0) : (c.year ?? 0)
    }

    static let utcCalendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    static func position(jd: Double, deltaT: Double, site: Site) -> SolarPosition {
        let jde = jd + deltaT / 86_400
        let jc = (jd - 2_451_545) / 36_525
        let jce = (jde - 2_451_545) / 36_525
        let jme = jce / 10

        // Heliocentric longitude, latitude (degrees) and radius (AU) of the Earth.
        let l = wrap360(
            degrees(series([SPATables.L0, SPATables.L1, SPATables.L2, SPATables.L3, SPATables.L4, SPATables.L5], jme)))
        let b = degrees(series([SPATables.B0, SPATables.B1], jme))
        let r = series([SPATables.R0, SPATables.R1, SPATables.R2, SPATables.R3, SPATables.R4], jme)

        // Geocentric longitude and latitude.
        let theta = wrap360(l + 180)
        let beta = -b

        // Nutation in longitude and obliquity.
        let x = [
            297.85036 + 445_267.111480 * jce - 0.0019142 * jce * jce + jce * jce * jce / 189_474,
            357.52772 + 35_999.050340 * jce - 0.0001603 * jce * jce - jce * jce * jce / 300_000,
            134.96298 + 477_198.867398 * jce + 0.0086972 * jce * jce + jce * jce * jce / 56_250,
            93.27191 + 483_202.017538 * jce - 0.0036825 * jce * jce + jce * jce * jce / 327_270,
            125.04452 - 1934.136261 * jce + 0.0020708 * jce * jce + jce * jce * jce / 450_000,
        ]
        var dPsi = 0.0
        var dEps = 0.0
        for (abcd, y) in zip(SPATables.nutationABCD, SPATables.nutationY) {
            let arg = radians(x[0] * y.0 + x[1] * y.1 + x[2] * y.2 + x[3] * y.3 + x[4] * y.4)
            dPsi += (abcd.0 + abcd.1 * jce) * sin(arg)
            dEps += (abcd.2 + abcd.3 * jce) * cos(arg)
        }
        dPsi /= 36_000_000
        dEps /= 36_000_000

        // True obliquity of the ecliptic.
        let u = jme / 10
        var e0 = 84_381.448
        let eps0Terms = [-4680.93, -1.55, 1999.25, -51.38, -249.67, -39.05, 7.12, 27.87, 5.79, 2.45]
        var power = u
        for c in eps0Terms {
            e0 += c * power
            power *= u
        }
        let epsilon = e0 / 3600 + dEps

        // Apparent sun longitude (aberration), sidereal time at Greenwich.
        let lambda = theta + dPsi - 20.4898 / (3600 * r)
        let nu0 = wrap360(
            280.46061837 + 360.98564736629 * (jd - 2_451_545) + 0.000387933 * jc * jc - jc * jc * jc / 38_710_000)
        let nu = nu0 + dPsi * cos(radians(epsilon))

        // Geocentric right ascension and declination.
        let lr = radians(lambda)
        let er = radians(epsilon)
        let br = radians(beta)
        let alpha = wrap360(degrees(atan2(sin(lr) * cos(er) - tan(br) * sin(er), cos(lr))))
        let delta = degrees(asin(sin(br) * cos(er) + cos(br) * sin(er) * sin(lr)))

        // Observer local hour angle, then parallax to topocentric coordinates.
        let h = wrap360(nu + site.longitude - alpha)
        let xi = radians(8.794 / (3600 * r))
        let phi = radians(site.latitude)
        let uu = atan(0.99664719 * tan(phi))
        let xx = cos(uu) + site.elevationM / 6_378_140 * cos(phi)
        let yy = 0.99664719 * sin(uu) + site.elevationM / 6_378_140 * sin(phi)
        let hr = radians(h)
        let dr = radians(delta)
        let dAlpha = atan2(-xx * sin(xi) * sin(hr), cos(dr) - xx * sin(xi) * cos(hr))
        let deltaPrime = atan2((sin(dr) - yy * sin(xi)) * cos(dAlpha), cos(dr) - xx * sin(xi) * cos(hr))
        let hPrime = hr - dAlpha

        // Elevation without, then with, refraction.
        let e0Elevation = degrees(asin(sin(phi) * sin(deltaPrime) + cos(phi) * cos(deltaPrime) * cos(hPrime)))
        var refraction = 0.0
        if e0Elevation >= -(0.26667 + site.atmosphericRefraction) {
            refraction =
                site.pressureHPa / 1010 * 283 / (273 + site.temperatureC) * 1.02
                / (60 * tan(radians(e0Elevation + 10.3 / (e0Elevation + 5.11))))
        }
        let elevation = e0Elevation + refraction
        let gamma = degrees(atan2(sin(hPrime), cos(hPrime) * sin(phi) - tan(deltaPrime) * cos(phi)))
        return SolarPosition(zenith: 90 - elevation, azimuth: wrap360(gamma + 180), elevation: elevation)
    }

    /// Σₖ (Σ A·cos(B + C·JME))·JMEᵏ / 10⁸, in radians (or AU for R).
    static func series(_ tables: [[(Double, Double, Double)]], _ jme: Double) -> Double {
        var sum = 0.0
        var power = 1.0
        for table in tables {
            var term = 0.0
            for (a, b, c) in table { term += a * cos(b + c * jme) }
            sum += term * power
            power *= jme
        }
        return sum / 1e8
    }

    @inline(__always) static func radians(_ d: Double) -> Double { d * .pi / 180 }
    @inline(__always) static func degrees(_ r: Double) -> Double { r * 180 / .pi }
    @inline(__always) static func wrap360(_ d: Double) -> Double {
        let m = d.truncatingRemainder(dividingBy: 360)
        return m < 0 ? m + 360 : m
    }
}
