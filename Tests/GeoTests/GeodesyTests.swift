import Foundation
import Testing
import WorldModel

@testable import Geo

/// Geodesy: known values, round trips and the anchor itself.
@Suite struct GeodesyTests {
    let gmap = GeoAnchor(latitude: 35.1484274, longitude: 126.9093966, height: 35)

    @Test func knownECEFValues() {
        let equator = GeoAnchor(latitude: 0, longitude: 0, height: 0).ecef
        #expect(abs(equator.x - WGS84.a) < 1e-9 && abs(equator.y) < 1e-9 && abs(equator.z) < 1e-9)
        let pole = GeoAnchor(latitude: 90, longitude: 0, height: 0).ecef
        #expect(abs(pole.z - WGS84.b) < 1e-6)
        let east = GeoAnchor(latitude: 0, longitude: 90, height: 100).ecef
        #expect(abs(east.y - (WGS84.a + 100)) < 1e-6)
    }

    @Test func theAnchorIsTheOrigin() {
        let frame = LocalFrame(anchor: gmap)
        let p = frame.enu(gmap)
        #expect(abs(p.e) < 1e-6 && abs(p.n) < 1e-6 && abs(p.u) < 1e-6)
    }

    @Test func roundTripsWithinAMicrometreTo10km() {
        let frame = LocalFrame(anchor: gmap)
        var rng = SplitMix64(seed: 5)
        for _ in 0..<2000 {
            let p = ENU(
                e: Double.random(in: -10_000...10_000, using: &rng),
                n: Double.random(in: -10_000...10_000, using: &rng),
                u: Double.random(in: -100...500, using: &rng))
            let back = frame.enu(frame.geodetic(p))
            #expect(abs(back.e - p.e) < 1e-6 && abs(back.n - p.n) < 1e-6 && abs(back.u - p.u) < 1e-6)
        }
    }

    @Test func geodeticRoundTripsEverywhere() {
        for lat in stride(from: -90.0, through: 90, by: 7.5) {
            for lon in stride(from: -180.0, through: 180, by: 30) {
                for h in [-400.0, 0, 8848] {
                    let g = GeoAnchor(latitude: lat, longitude: lon, height: h)
                    let back = GeoAnchor(g.ecef)
                    #expect(abs(back.latitude - lat) < 1e-11, "lat \(lat) lon \(lon) h \(h)")
                    #expect(abs(back.height - h) < 1e-6, "lat \(lat) lon \(lon) h \(h)")
                    if abs(lat) < 90 {
                        let dLon = abs(back.longitude - lon).truncatingRemainder(dividingBy: 360)
                        #expect(min(dLon, 360 - dLon) < 1e-11)
                    }
                }
            }
        }
    }

    @Test func northIsNorthAndEastIsEast() {
        let frame = LocalFrame(anchor: gmap)
        let north = frame.enu(GeoAnchor(latitude: gmap.latitude + 0.01, longitude: gmap.longitude, height: 35))
        #expect(north.n > 1100 && north.n < 1112 && abs(north.e) < 1e-6)
        let east = frame.enu(GeoAnchor(latitude: gmap.latitude, longitude: gmap.longitude + 0.01, height: 35))
        // One hundredth of a degree of longitude at 35.15° N is about 911 m.
        #expect(east.e > 905 && east.e < 915 && abs(east.n) < 0.1)
        #expect(east.u < 0, "the Earth curves away below the tangent plane")
    }
}

/// Administrative areas from the KOSTAT boundaries shipped in worlds/boundaries.
@Suite struct AdminAreasTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("worlds/boundaries")

    @Test func landmarksFallInTheirGuAndDong() throws {
        let areas = try AdminAreas.load(directory: Self.directory)
        #expect(areas.count == 5 + 95 + 2, "5 Gwangju gu, 95 dong, and Daegu Jung-gu and Jeju-si")
        let square = areas.locate(latitude: 35.14743, longitude: 126.919358)
        #expect(square.map(\.name.en) == ["Dong-gu", "Chungjangdong"], "5·18 Democracy Square")
        #expect(areas.locate(latitude: 35.14724, longitude: 126.92069).first?.name.en == "Dong-gu", "ACC")
        let gmap = areas.locate(latitude: 35.1484274, longitude: 126.9093966)
        #expect(gmap.first?.name.ko == "남구", "G.MAP is in Nam-gu")
        let biennale = areas.locate(latitude: 35.18256, longitude: 126.89026)
        #expect(biennale.first?.name.en == "Buk-gu")
        #expect(areas.locate(latitude: 35.86142, longitude: 128.60746).first?.name.en == "Jung-gu", "Daegu")
        #expect(areas.locate(latitude: 37.52, longitude: 126.92).isEmpty, "Seoul is not covered")
    }
}
