import Foundation
import Testing
import WorldModel

/// Loading world manifests: the real Gwangju world loads; every broken rule names file, field and reason.
@Suite struct ManifestTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theGwangjuDemoWorldLoadsWithItsFiveSpaces() throws {
        let world = try ManifestLoader.loadWorld(directories: [Self.repo.appendingPathComponent("worlds/gwangju")])
        let ids = world.spaces.map(\.id)
        #expect(
            ids == [
                "gwangju/acc-plaza", "gwangju/chungjangro", "gwangju/gmap", "gwangju/bitgoeul-art-space",
                "gwangju/biennale",
            ])
        let gmap = try #require(world.space(id: "gwangju/gmap"))
        // G.MAP's anchor is the landmark coordinate in shared/data/landmarks.
        #expect(abs(gmap.anchor.latitude - 35.1484274) < 1e-7 && abs(gmap.anchor.longitude - 126.9093966) < 1e-7)
        for space in world.spaces {
            #expect(!space.portals.isEmpty, "\(space.id) has a way out")
            #expect(!space.obstacles.isEmpty, "\(space.id) has schematic obstacles")
        }
    }

    /// Writes a one-space region with `space.json` edited by `edit`, and returns the load error.
    func loadError(_ edit: (inout [String: Any]) -> Void) throws -> ManifestError? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("spaces/room"), withIntermediateDirectories: true)
        let region: [String: Any] = ["format": 1, "id": "r", "name": ["ko": "지역", "en": "Region"], "spaces": ["room"]]
        var space: [String: Any] = [
            "id": "room", "name": ["ko": "방", "en": "Room"], "kind": "indoor",
            "anchor": ["latitude": 35.1, "longitude": 126.9, "height": 30],
            "bounds": ["minX": 0, "minY": 0, "maxX": 20, "maxY": 10, "minZ": 0, "maxZ": 5],
            "spawns": [["position": [2, 2]]], "obstacles": [[[5, 5], [6, 5], [6, 6]]],
            "portals": [
                ["id": "out", "name": ["ko": "밖", "en": "Out"], "position": [1, 1], "radius": 1, "target": "r/room"]
            ],
            "capacity": 10,
        ]
        edit(&space)
        try JSONSerialization.data(withJSONObject: region).write(to: dir.appendingPathComponent("region.json"))
        try JSONSerialization.data(withJSONObject: space).write(
            to: dir.appendingPathComponent("spaces/room/space.json"))
        do {
            _ = try ManifestLoader.loadWorld(directories: [dir])
            return nil
        } catch {
            return error
        }
    }

    @Test func aValidSpaceLoads() throws {
        #expect(try loadError { _ in } == nil)
    }

    @Test(arguments: [
        ("capacity", "capacity"),
        ("anchor", "anchor.latitude"),
        ("bounds", "bounds"),
        ("spawn", "spawns[0]"),
        ("portal", "portals[0].target"),
        ("missing", "kind"),
        ("polygon", "obstacles[0]"),
        ("type", "capacity"),
    ])
    func brokenRulesNameTheField(_ broken: String, _ field: String) throws {
        let error = try loadError { s in
            switch broken {
            case "capacity": s["capacity"] = 0
            case "anchor": s["anchor"] = ["latitude": 135.0, "longitude": 126.9, "height": 0]
            case "bounds": s["bounds"] = ["minX": 10, "minY": 0, "maxX": 5, "maxY": 10, "minZ": 0, "maxZ": 5]
            case "spawn": s["spawns"] = [["position": [50, 2]]]
            case "portal":
                s["portals"] = [
                    [
                        "id": "out", "name": ["ko": "밖", "en": "Out"], "position": [1, 1], "radius": 1,
                        "target": "r/nowhere",
                    ]
                ]
            case "missing": s["kind"] = nil
            case "polygon": s["obstacles"] = [[[5, 5], [6, 5]]]
            case "type": s["capacity"] = "many"
            default: break
            }
        }
        let e = try #require(error, "\(broken) must fail")
        #expect(e.field == field, "\(e)")
        #expect(e.file.hasSuffix("space.json"))
        #expect(!e.reason.isEmpty)
    }

    @Test func aPortalToAnotherCityNamesItsServerAndASpaceThere() throws {
        func portal(city: String, target: String) -> [[String: Any]] {
            [
                [
                    "id": "to-daegu", "name": ["ko": "대구", "en": "Daegu"], "position": [1, 1], "radius": 1,
                    "target": target, "city": city,
                ]
            ]
        }
        // Another city's space is not looked for in this world.
        #expect(try loadError { $0["portals"] = portal(city: "daegu.example", target: "daegu/street") } == nil)
        let badCity = try loadError { $0["portals"] = portal(city: "Daegu!", target: "daegu/street") }
        #expect(badCity?.field == "portals[0].city")
        let badTarget = try loadError { $0["portals"] = portal(city: "daegu.example", target: "street") }
        #expect(badTarget?.field == "portals[0].target")
    }

    @Test func personaNamesAreChecked() throws {
        #expect(try PersonaName.validate("  빛고을 부캐 ") == "빛고을 부캐")
        #expect(try PersonaName.validate("Kim_Ji-won.2") == "Kim_Ji-won.2")
        for bad in ["a", String(repeating: "x", count: 25), "<b>", "line\nbreak", "two  spaces", "😀😀"] {
            #expect(throws: ValidationError.self, "\(bad)") { try PersonaName.validate(bad) }
        }
    }

    @Test func polygonsKnowInsideAndDistance() {
        let square = Polygon([Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10)])
        #expect(square.signedArea == 100)
        #expect(square.contains(Point(5, 5)) && !square.contains(Point(11, 5)))
        #expect(abs(square.distanceToEdges(Point(5, 12)) - 2) < 1e-12)
        let concave = Polygon([Point(0, 0), Point(10, 0), Point(10, 10), Point(5, 5), Point(0, 10)])
        #expect(!concave.contains(Point(5, 8)) && concave.contains(Point(5, 2)))
    }

    @Test func appearanceJSONUsesNamesAndHexColours() throws {
        let a = Appearance(bodyShape: .small, skinColor: 0x0A0B0C, accessory: .glasses)
        let json = String(decoding: try JSONEncoder().encode(a), as: UTF8.self)
        #expect(json.contains("\"small\"") && json.contains("#0a0b0c") && json.contains("glasses"))
        #expect(try JSONDecoder().decode(Appearance.self, from: Data(json.utf8)) == a)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Appearance.self, from: Data(#"{"skinColor":"red"}"#.utf8))
        }
    }
}
