import DurableFiles
import Foundation
import Geo
import WorldModel

/// Writes a solar analysis: `buildings.csv`, `points.csv`, `roofs.geojson`, `roofs.svg` and
/// `result.json`, each by temp file and rename (a crash never leaves half of one).
public enum SolarWriter {
    /// Suitability by the roof's mean against an open horizontal surface under the same sky.
    static func roofClass(_ mean: Double, open: Double) -> String {
        let share = open > 0 ? mean / open : 0
        return share >= 0.9 ? "excellent" : share >= 0.75 ? "good" : share >= 0.5 ? "fair" : "poor"
    }

    static let colours = ["excellent": "#d7301f", "good": "#fc8d59", "fair": "#fdcc8a", "poor": "#6b7b8f"]

    /// One line for the terminal: what was analysed, how fast, and the open-sky reference.
    public static func summaryLine(_ r: SolarAnalysis.Result, settings: SolarAnalysis.Settings) -> String {
        String(
            format:
                "%d roofs, %d points, %d sun steps, %.0f M rays in %.1f s (%.2f M rays/s); open horizontal %.0f kWh/m²",
            r.buildings.count, r.points.count, r.sunSteps, Double(r.rays) / 1e6, r.seconds,
            Double(r.rays) / 1e6 / max(r.seconds, 1e-9), r.openHorizontalKWhPerM2)
    }

    /// Writes the five files into `dir` (created if missing). `scene` is the analysed scene (the
    /// result's points index it), `names` the buildings' names by id, `anchor` the space's origin
    /// (for WGS84 in the GeoJSON), `step` the time step as the user gave it and `credit` the data's
    /// attribution; `generatedAt` is stamped into `result.json`. Throws what writing a file throws.
    public static func write(
        _ r: SolarAnalysis.Result, scene: [SolarAnalysis.Building], names: [String: String], anchor: GeoAnchor,
        settings: SolarAnalysis.Settings, step: String, credit: String, generatedAt: Date, to dir: URL
    ) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let open = r.openHorizontalKWhPerM2
        func csvField(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

        var buildings = "id,name,roof_area_m2,points,mean_kwh_m2,best25_kwh_m2,class\n"
        for b in r.buildings {
            buildings += String(
                format: "%@,%@,%.1f,%d,%.1f,%.1f,%@\n", csvField(b.id), csvField(names[b.id] ?? ""), b.roofAreaM2,
                b.points, b.meanKWhPerM2, b.best25KWhPerM2, roofClass(b.meanKWhPerM2, open: open))
        }
        try AtomicFile.write(Data(buildings.utf8), to: dir.appendingPathComponent("buildings.csv"))

        try AtomicFile.write(to: dir.appendingPathComponent("points.csv")) { handle in
            var chunk = "building,e,n,u,tilt_deg,kwh_m2,sky_view,sunlit_share\n"
            for (p, v) in zip(r.points, r.values) {
                chunk += String(
                    format: "%@,%.2f,%.2f,%.2f,%.1f,%.1f,%.3f,%.3f\n", csvField(scene[Int(p.building)].id),
                    p.position.x, p.position.y, p.position.z, acos(min(1, p.normal.z)) * 180 / .pi, v.kwhPerM2,
                    v.skyViewFactor, v.sunlitShare)
                if chunk.utf8.count > 1 << 20 {
                    try handle.write(contentsOf: Data(chunk.utf8))
                    chunk = ""
                }
            }
            try handle.write(contentsOf: Data(chunk.utf8))
        }

        // Roofs as GeoJSON (WGS84): each building's roof faces as a MultiPolygon.
        let frame = LocalFrame(anchor: GeoAnchor(latitude: anchor.latitude, longitude: anchor.longitude, height: 0))
        let byId = Dictionary(uniqueKeysWithValues: scene.enumerated().map { ($1.id, $0) })
        var features: [String] = []
        for b in r.buildings {
            guard let index = byId[b.id] else { continue }
            let roofs = scene[index].triangles.filter { RoofSampler.isRoof($0) }
            let polygons = roofs.map { t -> String in
                let ring = [t.0, t.1, t.2, t.0].map { p -> String in
                    let g = frame.geodetic(ENU(e: p.x, n: p.y, u: 0))
                    return String(format: "[%.7f,%.7f]", g.longitude, g.latitude)
                }
                return "[[" + ring.joined(separator: ",") + "]]"
            }
            guard !polygons.isEmpty else { continue }
            features.append(
                #"{"type":"Feature","properties":{"id":\#(json(b.id)),"name":\#(json(names[b.id] ?? "")),"#
                    + String(
                        format: #""meanKWhPerM2":%.1f,"best25KWhPerM2":%.1f,"roofAreaM2":%.1f,"#, b.meanKWhPerM2,
                        b.best25KWhPerM2, b.roofAreaM2)
                    + #""class":"\#(roofClass(b.meanKWhPerM2, open: open))"},"#
                    + #""geometry":{"type":"MultiPolygon","coordinates":[\#(polygons.joined(separator: ","))]}}"#)
        }
        let geojson =
            #"{"type":"FeatureCollection","attribution":\#(json(credit)),"features":["#
            + features.joined(separator: ",\n") + "]}\n"
        try AtomicFile.write(Data(geojson.utf8), to: dir.appendingPathComponent("roofs.geojson"))
        try AtomicFile.write(
            Data(svg(r, scene: scene, open: open, credit: credit).utf8), to: dir.appendingPathComponent("roofs.svg"))

        // What the server serves and the browser colours roofs by.
        let items = r.buildings.map { b in
            String(
                format: #"{"id":%@,"meanKWhPerM2":%.1f,"best25KWhPerM2":%.1f,"roofAreaM2":%.1f,"class":"%@"}"#,
                json(b.id), b.meanKWhPerM2, b.best25KWhPerM2, b.roofAreaM2, roofClass(b.meanKWhPerM2, open: open))
        }
        let tl = settings.linkeTurbidity.map { String($0) }.joined(separator: ",")
        let result =
            #"{"year":\#(settings.year),"step":\#(json(step)),"spacingM":\#(settings.spacingM),"#
            + #""model":"NREL SPA; Ineichen–Perez clear sky (Linke turbidity \#(tl)); isotropic diffuse × sky view factor; albedo \#(settings.albedo)","#
            + String(
                format: #""openHorizontalKWhPerM2":%.1f,"points":%d,"sunSteps":%d,"rays":%d,"seconds":%.2f,"#,
                open, r.points.count, r.sunSteps, r.rays, r.seconds)
            + #""generatedAt":\#(json(ISO8601DateFormatter().string(from: generatedAt))),"attribution":\#(json(credit)),"#
            + #""buildings":[\#(items.joined(separator: ","))]}"# + "\n"
        try AtomicFile.write(Data(result.utf8), to: dir.appendingPathComponent("result.json"))
    }

    /// Writes `whatif.csv`: each neighbouring roof's mean before and after a planned building, the
    /// biggest loss first. Returns how many of the compared roofs lose more than 0.05 kWh/m².
    public static func writeWhatIf(
        before: SolarAnalysis.Result, after: SolarAnalysis.Result, names: [String: String], to dir: URL
    ) throws -> (losers: Int, compared: Int) {
        let old = Dictionary(uniqueKeysWithValues: before.buildings.map { ($0.id, $0) })
        var csv = "id,name,before_kwh_m2,after_kwh_m2,change_kwh_m2,change_percent\n"
        var lines: [(Double, String)] = []
        for b in after.buildings where b.id != "planned" {
            guard let o = old[b.id], o.meanKWhPerM2 > 0 else { continue }
            let change = b.meanKWhPerM2 - o.meanKWhPerM2
            lines.append(
                (
                    change,
                    String(
                        format: "\"%@\",\"%@\",%.1f,%.1f,%.1f,%.2f\n", b.id, names[b.id] ?? "", o.meanKWhPerM2,
                        b.meanKWhPerM2, change, 100 * change / o.meanKWhPerM2)
                ))
        }
        for line in lines.sorted(by: { $0.0 < $1.0 }) { csv += line.1 }
        try AtomicFile.write(Data(csv.utf8), to: dir.appendingPathComponent("whatif.csv"))
        return (lines.filter { $0.0 < -0.05 }.count, lines.count)
    }

    /// A top view: roofs coloured by class, a legend and the credit.
    static func svg(_ r: SolarAnalysis.Result, scene: [SolarAnalysis.Building], open: Double, credit: String) -> String
    {
        var lo = SIMD2(Double.infinity, .infinity)
        var hi = SIMD2(-Double.infinity, -.infinity)
        for b in scene {
            for t in b.triangles {
                for p in [t.0, t.1, t.2] {
                    lo = pointwiseMin(lo, SIMD2(p.x, p.y))
                    hi = pointwiseMax(hi, SIMD2(p.x, p.y))
                }
            }
        }
        let width = 1000.0
        let scale = width / max(hi.x - lo.x, 1)
        let height = (hi.y - lo.y) * scale
        let byId = Dictionary(uniqueKeysWithValues: r.buildings.map { ($0.id, $0) })
        var out = String(
            format: #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" font-family="sans-serif">"#,
            width, height + 80)
        out += ##"<rect width="100%" height="100%" fill="#0b1422"/>"##
        for b in scene {
            let fill = byId[b.id].map { colours[roofClass($0.meanKWhPerM2, open: open)]! } ?? "#333"
            var d = ""
            for t in b.triangles where RoofSampler.isRoof(t) {
                let pts = [t.0, t.1, t.2].map {
                    String(format: "%.1f,%.1f", ($0.x - lo.x) * scale, (hi.y - $0.y) * scale)
                }
                d += "M" + pts.joined(separator: "L") + "Z"
            }
            if !d.isEmpty { out += #"<path d="\#(d)" fill="\#(fill)" stroke="\#(fill)" stroke-width="0.3"/>"# }
        }
        var x = 10.0
        for (name, share) in [("excellent", "≥ 90 %"), ("good", "75–90 %"), ("fair", "50–75 %"), ("poor", "&lt; 50 %")]
        {
            out += String(
                format: #"<rect x="%.0f" y="%.0f" width="14" height="14" fill="%@"/>"#, x, height + 12, colours[name]!)
            out += String(
                format: ##"<text x="%.0f" y="%.0f" fill="#eef2f7" font-size="13">%@ %@</text>"##, x + 20, height + 24,
                name, share)
            x += 160
        }
        out += String(
            format:
                ##"<text x="10" y="%.0f" fill="#9fb3cc" font-size="12">Annual clear-sky irradiation of roofs vs an open horizontal surface (%.0f kWh/m²). %@</text>"##,
            height + 50, open, xmlEscape(credit))
        return out + "</svg>\n"
    }

    static func xmlEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }

    static func json(_ s: String) -> String {
        String(decoding: (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
