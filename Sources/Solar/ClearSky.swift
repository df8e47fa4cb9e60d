import Foundation

/// Clear-sky irradiance by the Ineichen–Perez model (Ineichen & Perez 2002, "A new airmass
/// independent formulation for the Linke turbidity coefficient", Solar Energy 73(3)), with the
/// Kasten–Young (1989) air mass and Spencer's (1971) extraterrestrial irradiance. The Linke
/// turbidity comes from the site's monthly climatology (Remund et al. 2003, SoDa).
public enum ClearSky {
    /// Direct normal, diffuse horizontal and global horizontal irradiance, W/m².
    public struct Irradiance: Hashable, Sendable {
        public var dni: Double
        public var dhi: Double
        public var ghi: Double
        public static let zero = Irradiance(dni: 0, dhi: 0, ghi: 0)
    }

    public static let solarConstant = 1366.1

    /// Extraterrestrial normal irradiance on day `dayOfYear` (Spencer 1971).
    public static func extraterrestrial(dayOfYear: Int) -> Double {
        let b = 2 * Double.pi * Double(dayOfYear - 1) / 365
        return solarConstant
            * (1.00011 + 0.034221 * cos(b) + 0.00128 * sin(b) + 0.000719 * cos(2 * b) + 0.000077 * sin(2 * b))
    }

    /// Relative optical air mass for an apparent zenith in degrees (Kasten & Young 1989); nil below the horizon.
    public static func relativeAirmass(zenith: Double) -> Double? {
        guard zenith < 90 else { return nil }
        return 1 / (cos(zenith * .pi / 180) + 0.50572 * pow(96.07995 - zenith, -1.6364))
    }

    /// Standard-atmosphere pressure at `altitude` metres, Pa (as pvlib's alt2pres).
    public static func pressure(altitude: Double) -> Double {
        100 * pow((44331.514 - altitude) / 11880.516, 1 / 0.1902632)
    }

    /// Irradiance for the sun at `zenith` (apparent, degrees) on `dayOfYear`, at `altitude` metres,
    /// under Linke turbidity `linke`.
    public static func ineichen(zenith: Double, dayOfYear: Int, altitude: Double, linke tl: Double) -> Irradiance {
        guard let am = relativeAirmass(zenith: zenith) else { return .zero }
        let amAbs = am * pressure(altitude: altitude) / 101_325
        let i0 = extraterrestrial(dayOfYear: dayOfYear)
        let cosZ = max(cos(zenith * .pi / 180), 0)
        let fh1 = exp(-altitude / 8000)
        let fh2 = exp(-altitude / 1250)
        let cg1 = 5.09e-5 * altitude + 0.868
        let cg2 = 3.92e-5 * altitude + 0.0387
        let ghi = cg1 * i0 * cosZ * max(exp(-cg2 * amAbs * (fh1 + fh2 * (tl - 1))), 0)
        let b = 0.664 + 0.163 / fh1
        let bnci = i0 * max(b * exp(-0.09 * amAbs * (tl - 1)), 0)
        let bnci2 = cosZ > 0 ? ghi * min(max((1 - (0.1 - 0.2 * exp(-tl)) / (0.1 + 0.882 / fh1)) / cosZ, 0), 1e20) : 0
        let dni = min(bnci, bnci2)
        return Irradiance(dni: dni, dhi: ghi - dni * cosZ, ghi: ghi)
    }
}
