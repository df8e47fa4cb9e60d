import Foundation

extension SolarPosition {
    /// ΔT = TT − UT in seconds for the month of `date`, by the polynomial expressions of Espenak and
    /// Meeus (NASA, "Polynomial expressions for Delta T", the same ones pvlib's `spa.calculate_deltat`
    /// uses). Beyond −1999…3000 the long-term parabola is an extrapolation.
    public static func deltaT(for date: Date) -> Double {
        deltaT(year: astronomicalYear(date), month: utcCalendar.component(.month, from: date))
    }

    public static func deltaT(year: Int, month: Int) -> Double {
        let y = Double(year) + (Double(month) - 0.5) / 12
        func poly(_ t: Double, _ c: [Double]) -> Double { c.reversed().reduce(0) { $0 * t + $1 } }
        let longTerm = -20 + 32 * pow((y - 1820) / 100, 2)
        switch year {
        case ..<(-500): return longTerm
        case -500..<500:
            return poly(y / 100, [10583.6, -1014.41, 33.78311, -5.952053, -0.1798452, 0.022174192, 0.0090316521])
        case 500..<1600:
            return poly(
                (y - 1000) / 100, [1574.2, -556.01, 71.23472, 0.319781, -0.8503463, -0.005050998, 0.0083572073])
        case 1600..<1700: return poly(y - 1600, [120, -0.9808, -0.01532, 1.0 / 7129])
        case 1700..<1800: return poly(y - 1700, [8.83, 0.1603, -0.0059285, 0.00013336, -1.0 / 1_174_000])
        case 1800..<1860:
            return poly(
                y - 1800,
                [13.72, -0.332447, 0.0068612, 0.0041116, -0.00037436, 0.0000121272, -0.0000001699, 0.000000000875])
        case 1860..<1900:
            return poly(y - 1860, [7.62, 0.5737, -0.251754, 0.01680668, -0.0004473624, 1.0 / 233_174])
        case 1900..<1920: return poly(y - 1900, [-2.79, 1.494119, -0.0598939, 0.0061966, -0.000197])
        case 1920..<1941: return poly(y - 1920, [21.20, 0.84493, -0.076100, 0.0020936])
        case 1941..<1961: return poly(y - 1950, [29.07, 0.407, -1.0 / 233, 1.0 / 2547])
        case 1961..<1986: return poly(y - 1975, [45.45, 1.067, -1.0 / 260, -1.0 / 718])
        case 1986..<2005:
            return poly(y - 2000, [63.86, 0.3345, -0.060374, 0.0017275, 0.000651814, 0.00002373599])
        case 2005..<2050: return poly(y - 2000, [62.92, 0.32217, 0.005589])
        case 2050..<2150: return longTerm - 0.5628 * (2150 - y)
        default: return longTerm
        }
    }
}
