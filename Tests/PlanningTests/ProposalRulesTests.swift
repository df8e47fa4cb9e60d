import Foundation
import Geo
import Planning
import Testing
import WorldModel

/// The checks of a proposal: each bad input is refused with the field it is in.
@Suite struct ProposalRulesTests {
    static let anchor = GeoAnchor(latitude: 35.1493, longitude: 126.9146, height: 38)
    static let space = Space(
        id: "test/street", name: LocalizedText(ko: "거리", en: "Street"), kind: .outdoor, anchor: anchor,
        bounds: Bounds(minX: -200, minY: -100, maxX: 200, maxY: 100), spawns: [SpawnPoint(position: Point(0, 0))],
        obstacles: [Polygon([Point(50, 20), Point(70, 20), Point(70, 40), Point(50, 40)])], capacity: 100)
    static let buildings = SpaceBuildings(
        buildings: [
            SpaceBuildings.Building(
                id: "way/1", triangles: [(SIMD3(50, 20, 0), SIMD3(70, 20, 0), SIMD3(70, 40, 10))],
                footprints: [Polygon([Point(50, 20), Point(70, 20), Point(70, 40), Point(50, 40)])])
        ], otherObstacles: [])

    /// A GeoJSON ring from east-north metres of the test space.
    static func ring(_ points: [(Double, Double)]) -> GeoJSONPolygon {
        let frame = LocalFrame(anchor: anchor)
        return GeoJSONPolygon(
            ring: points.map {
                let g = frame.geodetic(ENU(e: $0.0, n: $0.1, u: 0))
                return (g.longitude, g.latitude)
            })
    }

    static func document(_ changes: [ProposalChange], opens: Double = 0, closes: Double = 86_400) -> ProposalDocument {
        ProposalDocument(
            id: "plan", space: nil, title: LocalizedText(ko: "안", en: "Plan"),
            description: LocalizedText(ko: "설명", en: "About"),
            period: .init(opens: Date(timeIntervalSince1970: opens), closes: Date(timeIntervalSince1970: closes)),
            changes: changes)
    }

    static func problem(_ d: ProposalDocument) -> FieldProblem? {
        do {
            _ = try ProposalRules.check(d, id: "plan", space: space, buildings: buildings)
            return nil
        } catch let p as FieldProblem {
            return p
        } catch {
            return FieldProblem("(unexpected)", "\(error)")
        }
    }

    static let square = ring([(0, 0), (20, 0), (20, 20), (0, 20)])

    @Test func aGoodBuildingLandsInTheSpaceFrame() throws {
        let p = try ProposalRules.check(
            Self.document([.addBuilding(id: "tower", footprint: Self.square, heightM: 60)]), id: "plan",
            space: Self.space, buildings: Self.buildings)
        let ring = try #require(p.added.first?.ring)
        #expect(ring.points.count == 4)
        #expect(abs(abs(ring.signedArea) - 400) < 0.01, "the metres round-trip through WGS84")
        let top = p.added.first?.triangles.map { max($0.0.z, $0.1.z, $0.2.z) }.max()
        #expect(top == 60, "standing on the space's ground")
        #expect(p.obstacles(Self.buildings).count == 2)
    }

    @Test func badInputIsRefusedNamingTheField() {
        let cases: [(ProposalDocument, String)] = [
            (
                Self.document([
                    .addBuilding(
                        id: "bow", footprint: Self.ring([(0, 0), (20, 20), (20, 0), (0, 20)]), heightM: 10)
                ]), "changes[0].footprint.coordinates"
            ),
            (Self.document([.addBuilding(id: "flat", footprint: Self.square, heightM: 0)]), "changes[0].heightM"),
            (Self.document([.addBuilding(id: "tall", footprint: Self.square, heightM: 1001)]), "changes[0].heightM"),
            (
                Self.document([
                    .addBuilding(id: "far", footprint: Self.ring([(190, 0), (260, 0), (260, 20)]), heightM: 10)
                ]), "changes[0].footprint.coordinates[0][1]"
            ),
            (
                Self.document([
                    .addBuilding(id: "onit", footprint: Self.ring([(55, 25), (65, 25), (65, 35)]), heightM: 10)
                ]), "changes[0]"
            ),
            (Self.document([.removeBuildings(ids: ["way/404"])]), "changes[0].ids[0]"),
            (
                Self.document([
                    .addModel(
                        id: "m", glb: Data("not a glb".utf8), at: .init(latitude: 35.1493, longitude: 126.9146),
                        headingDeg: 0)
                ]), "changes[0].glb"
            ),
            (Self.document([.crowd(scenario: "[model]\nname = 3")]), "changes[0].scenario"),
            (
                Self.document([.addBuilding(id: "tower", footprint: Self.square, heightM: 10)], opens: 10, closes: 5),
                "period.closes"
            ),
            (Self.document([]), "changes"),
            (
                Self.document([
                    .closeArea(id: "a", area: Self.square), .closeArea(id: "a", area: Self.square),
                ]), "changes[1].id"
            ),
        ]
        for (document, field) in cases {
            #expect(Self.problem(document)?.field == field, "\(String(describing: Self.problem(document)))")
        }
    }

    @Test func aNewBuildingMayStandWhereARemovedOneStood() {
        let on = Self.ring([(55, 25), (65, 25), (65, 35)])
        #expect(
            Self.problem(
                Self.document([.removeBuildings(ids: ["way/1"]), .addBuilding(id: "new", footprint: on, heightM: 10)]))
                == nil)
    }

    @Test func aPlacedModelIsTurnedAndMovedToItsPoint() throws {
        // One triangle 10 m north of the model's origin, 5 m up, turned 90° clockwise: it lies east.
        var mesh = Mesh()
        mesh.positions = [0, 0, -10, 1, 0, -10, 0, 5, -11]
        mesh.normals = [0, 0, 1, 0, 0, 1, 0, 0, 1]
        mesh.indices = [0, 1, 2]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).glb")
        defer { try? FileManager.default.removeItem(at: url) }
        try GLBWriter(copyright: "test").write([GLBWriter.Item(id: "m", mesh: mesh, height: 5)], to: url)
        let origin = LocalFrame(anchor: Self.anchor).geodetic(ENU(e: -50, n: -50, u: 0))
        let p = try ProposalRules.check(
            Self.document([
                .addModel(
                    id: "m", glb: try Data(contentsOf: url),
                    at: .init(latitude: origin.latitude, longitude: origin.longitude), headingDeg: 90)
            ]), id: "plan", space: Self.space, buildings: Self.buildings)
        let t = try #require(p.added.first?.triangles.first)
        #expect(abs(t.0.x - (-40)) < 0.01 && abs(t.0.y - (-50)) < 0.01, "\(t.0)")
        #expect(abs(t.2.z - 5) < 0.01, "5 m above the ground")
        #expect(p.added.first?.heightM == 5)
    }

    /// A GLB whose JSON claims what its bytes do not hold (`count` huge or negative, offsets outside).
    static func hostileGLB(count: Int, offset: Int) -> Data {
        let json = """
            {"asset":{"version":"2.0"},"buffers":[{"byteLength":12}],"bufferViews":[{"buffer":0,"byteOffset":\(offset)}],
            "accessors":[{"bufferView":0,"componentType":5126,"count":\(count),"type":"VEC3"},
            {"bufferView":0,"componentType":5125,"count":3,"type":"SCALAR"}],
            "meshes":[{"primitives":[{"attributes":{"POSITION":0},"indices":1}]}],"nodes":[{"mesh":0},{"mesh":0}]}
            """
        var chunk = Array(json.utf8)
        while chunk.count % 4 != 0 { chunk.append(0x20) }
        let bin = [UInt8](repeating: 0, count: 12)
        var out: [UInt8] = []
        func u32(_ v: Int) { out += withUnsafeBytes(of: UInt32(v).littleEndian) { Array($0) } }
        u32(0x4654_6C67)
        u32(2)
        u32(12 + 8 + chunk.count + 8 + bin.count)
        u32(chunk.count)
        u32(0x4E4F_534A)
        out += chunk
        u32(bin.count)
        u32(0x004E_4942)
        out += bin
        return Data(out)
    }

    @Test(arguments: [(Int.max / 2, 0), (-5, 0), (1, -64), (1, Int.max / 2), (1_000_000_000, 0)])
    func aHostileModelIsRefusedNotCrashedOn(_ claim: (count: Int, offset: Int)) {
        let glb = Self.hostileGLB(count: claim.count, offset: claim.offset)
        let problem = Self.problem(
            Self.document([
                .addModel(id: "m", glb: glb, at: .init(latitude: 35.1493, longitude: 126.9146), headingDeg: 0)
            ]))
        #expect(problem?.field == "changes[0].glb", "\(String(describing: problem))")
    }
}
