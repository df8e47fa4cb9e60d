import ArgumentParser
import Foundation
import Geo
import WorldModel

/// `bitgoeul geo`: conversions between WGS84 and a local East-North-Up frame.
struct GeoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo", abstract: "Convert between WGS84 and local ENU metres (exact on the ellipsoid).",
        subcommands: [ToENU.self, ToWGS84.self])

    struct ToENU: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enu", abstract: "Print {\"e\",\"n\",\"u\"} in metres of each point about the origin.")

        @Option(parsing: .unconditional, help: "Anchor as LAT,LON[,H] (degrees, degrees, metres above the ellipsoid).")
        var origin: String
        @Option(
            parsing: .unconditionalSingleValue, help: "Point as LAT,LON[,H]; repeat for several (one JSON line each).")
        var point: [String]

        func run() throws {
            let frame = LocalFrame(anchor: try parseGeodetic(origin, option: "--origin"))
            guard !point.isEmpty, point.count <= 100_000 else { throw ValidationError("give 1 to 100000 --point") }
            for p in point {
                let enu = frame.enu(try parseGeodetic(p, option: "--point"))
                print(json(["e": enu.e, "n": enu.n, "u": enu.u]))
            }
        }
    }

    struct ToWGS84: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wgs84", abstract: "Print {\"lat\",\"lon\",\"h\"} of each ENU point about the origin.")

        @Option(parsing: .unconditional, help: "Anchor as LAT,LON[,H].") var origin: String
        @Option(parsing: .unconditionalSingleValue, help: "Point as E,N,U metres; repeat for several.")
        var enu: [String]

        func run() throws {
            let frame = LocalFrame(anchor: try parseGeodetic(origin, option: "--origin"))
            guard !enu.isEmpty, enu.count <= 100_000 else { throw ValidationError("give 1 to 100000 --enu") }
            for text in enu {
                let v = try numbers(text, option: "--enu", count: 3...3)
                guard v.allSatisfy({ abs($0) <= 1e7 }) else {
                    throw ValidationError("--enu \(text): metres within ±10,000 km")
                }
                let g = frame.geodetic(ENU(e: v[0], n: v[1], u: v[2]))
                print(json(["lat": g.latitude, "lon": g.longitude, "h": g.height]))
            }
        }
    }
}

/// `LAT,LON[,H]` checked against the ranges of WGS84.
func parseGeodetic(_ text: String, option: String) throws -> GeoAnchor {
    let v = try numbers(text, option: option, count: 2...3)
    guard (-90...90).contains(v[0]) else {
        throw ValidationError("\(option) \(text): latitude must be within -90...90")
    }
    guard (-180...180).contains(v[1]) else {
        throw ValidationError("\(option) \(text): longitude must be within -180...180")
    }
    let h = v.count == 3 ? v[2] : 0
    guard (-11_000...100_000).contains(h) else {
        throw ValidationError("\(option) \(text): height must be within -11000...100000 m")
    }
    return GeoAnchor(latitude: v[0], longitude: v[1], height: h)
}

/// Comma-separated finite numbers.
func numbers(_ text: String, option: String, count: ClosedRange<Int>) throws -> [Double] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    let values = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard values.count == parts.count, count.contains(values.count), values.allSatisfy(\.isFinite) else {
        throw ValidationError(
            "\(option) \(text): expected \(count.lowerBound) to \(count.upperBound) comma-separated numbers")
    }
    return values
}

/// A flat JSON object with numbers at full precision, keys in the given order.
func json(_ pairs: KeyValuePairs<String, Double>) -> String {
    "{" + pairs.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
}
