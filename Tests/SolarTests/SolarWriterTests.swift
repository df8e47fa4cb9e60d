import Foundation
import Testing
import WorldModel

@testable import Solar

/// What `bitgoeul solar roofs` leaves on disk, read back: the five files of an analysis, the what-if
/// table, the suitability classes, and which buildings a planned one could shade.
@Suite struct SolarWriterTests {
    /// Two flat roofs: "a" (10 m × 10 m, 10 m high) and "b" (10 m × 10 m, 5 m high, 20 m east).
    static let scene: [SolarAnalysis.Building] = [
        .init(id: "a", triangles: SolarTests.box(0, 0, 10, 10, 10)),
        .init(id: "b", triangles: SolarTests.box(20, 0, 30, 10, 5)),
    ]
    static let names = ["a": #"Hall "A", east wing"#, "b": "Annex"]
    static let anchor = GeoAnchor(latitude: 37.5255, longitude: 126.9245, height: 10)
    static let credit = "© OpenStreetMap contributors & friends"
    static let generatedAt = Date(timeIntervalSince1970: 1_790_000_000)

    static var settings: SolarAnalysis.Settings {
        var s = SolarAnalysis.Settings(
            latitude: anchor.latitude, longitude: anchor.longitude, linkeTurbidity: Array(repeating: 3, count: 12))
        s.spacingM = 5
        return s
    }

    /// A result made by hand, so every written figure is known: "a" gets 95 % of the open sky's
    /// 2,000 kWh/m² (excellent), "b" 45 % (poor).
    static let result = SolarAnalysis.Result(
        buildings: [
            .init(id: "a", roofAreaM2: 100, points: 2, meanKWhPerM2: 1900, best25KWhPerM2: 1950),
            .init(id: "b", roofAreaM2: 100, points: 1, meanKWhPerM2: 900, best25KWhPerM2: 1000),
        ],
        points: [
            RoofPoint(building: 0, position: SIMD3(2.5, 2.5, 10), normal: SIMD3(0, 0, 1), area: 25),
            RoofPoint(building: 0, position: SIMD3(7.5, 2.5, 10), normal: SIMD3(0, 0, 1), area: 25),
            RoofPoint(building: 1, position: SIMD3(22.5, 2.5, 5), normal: SIMD3(0, 0.6, 0.8), area: 25),
        ],
        values: [
            .init(kwhPerM2: 1900.04, skyViewFactor: 1, sunlitShare: 1),
            .init(kwhPerM2: 1899.96, skyViewFactor: 0.9876, sunlitShare: 0.5),
            .init(kwhPerM2: 900, skyViewFactor: 0.5, sunlitShare: 0.25),
        ],
        openHorizontalKWhPerM2: 2000, sunSteps: 4433, rays: 1_234_567, seconds: 2.5)

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("solar-writer-\(UUID().uuidString)")
    }

    static func text(_ dir: URL, _ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    static func json(_ dir: URL, _ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(name) is an object")
    }

    @Test("the five files are written, and nothing else (no temp file left behind)")
    func writesExactlyTheFiveFiles() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SolarWriter.write(
            Self.result, scene: Self.scene, names: Self.names, anchor: Self.anchor, settings: Self.settings,
            step: "1h", credit: Self.credit, generatedAt: Self.generatedAt, to: dir)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["buildings.csv", "points.csv", "result.json", "roofs.geojson", "roofs.svg"])
    }

    @Test("buildings.csv: one quoted row per building with its figures and class")
    func buildingsCSV() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SolarWriter.write(
            Self.result, scene: Self.scene, names: Self.names, anchor: Self.anchor, settings: Self.settings,
            step: "1h", credit: Self.credit, generatedAt: Self.generatedAt, to: dir)
        let lines = try Self.text(dir, "buildings.csv").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            lines == [
                "id,name,roof_area_m2,points,mean_kwh_m2,best25_kwh_m2,class",
                #""a","Hall ""A"", east wing",100.0,2,1900.0,1950.0,excellent"#,
                #""b","Annex",100.0,1,900.0,1000.0,poor"#,
                "",
            ])
    }

    @Test("points.csv: one row per sample point, its building's id, position, tilt and figures")
    func pointsCSV() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SolarWriter.write(
            Self.result, scene: Self.scene, names: Self.names, anchor: Self.anchor, settings: Self.settings,
            step: "1h", credit: Self.credit, generatedAt: Self.generatedAt, to: dir)
        let lines = try Self.text(dir, "points.csv").split(separator: "\n")
        #expect(
            lines == [
                "building,e,n,u,tilt_deg,kwh_m2,sky_view,sunlit_share",
                #""a",2.50,2.50,10.00,0.0,1900.0,1.000,1.000"#,
                #""a",7.50,2.50,10.00,0.0,1900.0,0.988,0.500"#,
                // A normal with 0.8 up is tilted acos(0.8) = 36.87°.
                #""b",22.50,2.50,5.00,36.9,900.0,0.500,0.250"#,
            ])
    }

    @Test("roofs.geojson: a MultiPolygon of closed WGS84 rings per roofed building, near the anchor")
    func roofsGeoJSON() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SolarWriter.write(
            Self.result, scene: Self.scene, names: Self.names, anchor: Self.anchor, settings: Self.settings,
            step: "1h", credit: Self.credit, generatedAt: Self.generatedAt, to: dir)
        let root = try Self.json(dir, "roofs.geojson")
        #expect(root["type"] as? String == "FeatureCollection")
        #expect(root["attribution"] as? String == Self.credit)
        let features = try #require(root["features"] as? [[String: Any]])
        #expect(features.count == 2)
        for (feature, building) in zip(features, Self.result.buildings) {
            let properties = try #require(feature["properties"] as? [String: Any])
            #expect(properties["id"] as? String == building.id)
            #expect(properties["name"] as? String == Self.names[building.id])
            #expect(properties["meanKWhPerM2"] as? Double == building.meanKWhPerM2)
            #expect(properties["class"] as? String == (building.id == "a" ? "excellent" : "poor"))
            let geometry = try #require(feature["geometry"] as? [String: Any])
            #expect(geometry["type"] as? String == "MultiPolygon")
            // A flat box has two roof triangles; walls are not roofs.
            let polygons = try #require(geometry["coordinates"] as? [[[[Double]]]])
            #expect(polygons.count == 2)
            for polygon in polygons {
                let ring = try #require(polygon.first)
                #expect(polygon.count == 1 && ring.count == 4 && ring.first == ring.last, "a closed triangle")
                for position in ring {
                    #expect(abs(position[0] - Self.anchor.longitude) < 0.001, "longitude \(position[0])")
                    #expect(abs(position[1] - Self.anchor.latitude) < 0.001, "latitude \(position[1])")
                }
            }
        }
        // Building "a" spans 10 m east: about 10 m / (111 km × cos 37.5°) of longitude.
        let a = try #require((features[0]["geometry"] as? [String: Any])?["coordinates"] as? [[[[Double]]]])
        let longitudes = a.flatMap { $0[0].map { $0[0] } }
        let spanM = (longitudes.max()! - longitudes.min()!) * 111_320 * cos(Self.anchor.latitude * .pi / 180)
        #expect(abs(spanM - 10) < 0.05, "\(spanM) m")
    }

    @Test("result.json: what the server serves, with the settings, the figures and the given time")
    func resultJSON() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SolarWriter.write(
            Self.result, scene: Self.scene, names: Self.names, anchor: Self.anchor, settings: Self.settings,
            step: "30m", credit: Self.credit, generatedAt: Date(timeIntervalSince1970: 1_790_000_000), to: dir)
        let root = try Self.json(dir, "result.json")
        #expect(root["year"] as? Int == 2026)
        #expect(root["step"] as? String == "30m")
        #expect(root["spacingM"] as? Double == 5)
        #expect(root["openHorizontalKWhPerM2"] as? Double == 2000)
        #expect(root["points"] as? Int == 3 && root["sunSteps"] as? Int == 4433 && root["rays"] as? Int == 1_234_567)
        #expect(root["seconds"] as? Double == 2.5)
        #expect(root["generatedAt"] as? String == "2026-09-21T14:13:20Z")
        #expect(root["attribution"] as? String == Self.credit)
        #expect((root["model"] as? String)?.contains("Linke turbidity 3.0,3.0") == true)
        let buildings = try #require(root["buildings"] as? [[String: Any]])
        #expect(buildings.map { $0["id"] as? String } == ["a", "b"])
        #expect(buildings.map { $0["class"] as? String } == ["excellent", "poor"])
        #expect(buildings.map { $0["best25KWhPerM2"] as? Double } == [1950, 1000])
        #expect(buildings.map { $0["roofAreaM2"] as? Double } == [100, 100])
    }

    @Test("roofs.svg: one path per roofed building in its class colour, a legend and the escaped credit")
    func roofsSVG() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SolarWriter.write(
            Self.result, scene: Self.scene, names: Self.names, anchor: Self.anchor, settings: Self.settings,
            step: "1h", credit: Self.credit, generatedAt: Self.generatedAt, to: dir)
        let svg = try Self.text(dir, "roofs.svg")
        #expect(
            svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1000 ") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<path ").count - 1 == 2)
        #expect(svg.contains(##"fill="#d7301f" stroke="#d7301f""##), "building a is excellent")
        #expect(svg.contains(##"fill="#6b7b8f" stroke="#6b7b8f""##), "building b is poor")
        #expect(svg.contains("contributors &amp; friends") && !svg.contains("contributors & friends"))
        #expect(svg.contains("open horizontal surface (2000 kWh/m²)"))
    }

    @Test("whatif.csv: neighbours' change, biggest loss first, without the planned building")
    func whatIf() throws {
        let dir = Self.temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var after = Self.result
        after.buildings[0].meanKWhPerM2 = 1710  // −10 %
        after.buildings[1].meanKWhPerM2 = 899.98  // −0.02: within the 0.05 kWh/m² of no change
        after.buildings.append(
            .init(id: "planned", roofAreaM2: 50, points: 1, meanKWhPerM2: 2000, best25KWhPerM2: 2000))
        let (losers, compared) = try SolarWriter.writeWhatIf(
            before: Self.result, after: after, names: ["a": "Hall A", "b": "Annex"], to: dir)
        #expect(losers == 1 && compared == 2)
        let lines = try Self.text(dir, "whatif.csv").split(separator: "\n")
        #expect(
            lines == [
                "id,name,before_kwh_m2,after_kwh_m2,change_kwh_m2,change_percent",
                #""a","Hall A",1900.0,1710.0,-190.0,-10.00"#,
                #""b","Annex",900.0,900.0,-0.0,-0.00"#,
            ])
    }

    @Test("suitability classes: the share of the open sky at 90, 75 and 50 %")
    func roofClasses() {
        let cases: [(Double, String)] = [
            (2000, "excellent"), (1800, "excellent"), (1799.9, "good"), (1500, "good"), (1499.9, "fair"),
            (1000, "fair"), (999.9, "poor"), (0, "poor"),
        ]
        for (mean, expected) in cases {
            #expect(SolarWriter.roofClass(mean, open: 2000) == expected, "\(mean) of 2000")
        }
        #expect(SolarWriter.roofClass(500, open: 0) == "poor", "no sky at all")
        #expect(Set(SolarWriter.colours.keys) == ["excellent", "good", "fair", "poor"])
    }

    @Test("the summary line names roofs, points, steps and the ray rate")
    func summaryLine() {
        #expect(
            SolarWriter.summaryLine(Self.result, settings: Self.settings)
                == "2 roofs, 3 points, 4433 sun steps, 1 M rays in 2.5 s (0.49 M rays/s); open horizontal 2000 kWh/m²")
    }

    @Test("a planned building's neighbours: the buildings within height / tan 3° of it")
    func neighboursOfAPlan() {
        let plan = SolarAnalysis.Building(id: "planned", triangles: SolarTests.box(0, 0, 10, 10, 20))
        // 20 m / tan 3° = 381.6 m beyond the plan's box.
        let scene: [SolarAnalysis.Building] = [
            .init(id: "near", triangles: SolarTests.box(40, 0, 60, 10, 5)),
            .init(id: "edge", triangles: SolarTests.box(391, 0, 400, 10, 5)),
            .init(id: "far", triangles: SolarTests.box(392, 0, 400, 10, 5)),
            .init(id: "south-west", triangles: SolarTests.box(-300, -300, -290, -290, 5)),
        ]
        #expect(SolarAnalysis.neighbours(of: plan, in: scene, height: 20) == [0, 1, 3])
        #expect(SolarAnalysis.neighbours(of: plan, in: scene, height: 2) == [0], "a low plan shades less")
    }
}
