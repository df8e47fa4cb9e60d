import ArgumentParser
import Foundation
import Solar

/// `bitgoeul solar`: the sun over the mirror world.
struct SolarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solar", abstract: "Sun position (NREL SPA) and the solar potential of roofs.",
        subcommands: [Position.self, Roofs.self])

    struct Position: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Topocentric sun position: {\"zenith\",\"azimuth\",\"elevation\"} in degrees (azimuth from north).")

        @Option(parsing: .unconditional, help: "Latitude, degrees (−90…90).") var lat: Double
        @Option(parsing: .unconditional, help: "Longitude, degrees east (−180…180).") var lon: Double
        @Option(help: "An ISO 8601 time with a zone, e.g. 2026-06-21T12:00:00+09:00.") var time: String?
        @Option(help: "A file with one ISO 8601 time per line (prints one JSON object per line).") var times: String?
        @Option(parsing: .unconditional, help: "Metres above sea level.") var elevation = 0.0
        @Option(help: "Air pressure, hPa.") var pressure = 1013.25
        @Option(parsing: .unconditional, help: "Air temperature, °C.") var temperature = 12.0
        @Option(help: "TT − UT in seconds (default: from the date, as pvlib's spa.calculate_deltat).")
        var deltaT: Double?

        func validate() throws {
            guard (time == nil) != (times == nil) else {
                throw ValidationError("give exactly one of --time or --times")
            }
            guard (-90...90).contains(lat) else { throw ValidationError("--lat must be within −90…90") }
            guard (-180...180).contains(lon) else { throw ValidationError("--lon must be within −180…180") }
        }

        func run() throws {
            var site = SolarPosition.Site(latitude: lat, longitude: lon, elevationM: elevation)
            site.pressureHPa = pressure
            site.temperatureC = temperature
            let lines: [String]
            if let time {
                lines = [time]
            } else {
                let url = URL(fileURLWithPath: times!)
                let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                guard size <= 64 << 20 else { throw ValidationError("--times files are at most 64 MiB") }
                lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
                    .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            }
            var out = ""
            out.reserveCapacity(lines.count * 80)
            for (n, line) in lines.enumerated() {
                guard let date = ISOTime.parse(line) else {
                    throw ValidationError(
                        "\(times == nil ? "--time" : "line \(n + 1)"): '\(line.prefix(60))' is not an ISO 8601 time with a zone"
                    )
                }
                do {
                    let p = try SolarPosition.compute(at: date, site: site, deltaT: deltaT)
                    out += "{\"zenith\":\(p.zenith),\"azimuth\":\(p.azimuth),\"elevation\":\(p.elevation)}\n"
                } catch let failure as SolarPosition.Failure {
                    throw ValidationError(failure.description)
                }
                if out.utf8.count > 1 << 20 {
                    FileHandle.standardOutput.write(Data(out.utf8))
                    out = ""
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}

/// ISO 8601 times with a zone (Z or ±hh:mm), with or without fractional seconds.
enum ISOTime {
    static func parse(_ text: String) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count <= 40 else { return nil }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: t) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: t)
    }
}
