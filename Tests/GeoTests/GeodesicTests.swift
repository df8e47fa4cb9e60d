import Foundation
import Geo
import Testing

/// `Geodesic.inverse` against pyproj's Karney solution (Tests/Fixtures/geodesic, which
/// tests_py/test_geodesy.py checks is pyproj's): the distance within 1 cm, and the bearing within
/// what moves the far end by 1 cm.
@Suite struct GeodesicTests {
    struct Case: Decodable {
        let name: String
        let lat1: Double
        let lon1: Double
        let lat2: Double
        let lon2: Double
        let distanceM: Double
        let bearingDeg: Double
    }

    static let cases: [Case] = {
        struct File: Decodable { let cases: [Case] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/geodesic/vectors.json")
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    @Test func distancesAndBearingsAgreeWithPyproj() throws {
        #expect(Self.cases.count >= 40)
        for c in Self.cases {
            let (distance, bearing) = try #require(
                Geodesic.inverse(lat1: c.lat1, lon1: c.lon1, lat2: c.lat2, lon2: c.lon2), "\(c.name)")
            #expect(abs(distance - c.distanceM) < 0.01, "\(c.name): \(distance) against \(c.distanceM)")
            var turn = abs(bearing - c.bearingDeg).truncatingRemainder(dividingBy: 360)
            turn = min(turn, 360 - turn)
            #expect(turn * .pi / 180 * c.distanceM < 0.01, "\(c.name): bearing \(bearing) against \(c.bearingDeg)")
        }
    }

    @Test func pointsOffTheGlobeHaveNoGeodesic() {
        #expect(Geodesic.inverse(lat1: 91, lon1: 0, lat2: 0, lon2: 0) == nil)
        #expect(Geodesic.inverse(lat1: .nan, lon1: 0, lat2: 0, lon2: 0) == nil)
        #expect(Geodesic.inverse(lat1: 0, lon1: 0, lat2: 0, lon2: 181) == nil)
        let same = Geodesic.inverse(lat1: 35.147, lon1: 126.92, lat2: 35.147, lon2: 126.92)
        #expect(same?.distanceM == 0)
    }
}
