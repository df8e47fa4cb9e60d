import BitgoeulClient
import BitgoeulServer
import Foundation
import Geo
import Planning
import Realtime
import Storage
import StorageSQLite
import Testing
import Wire
import WorldModel

/// A plan is a layer each person chooses: in it the movement authority has the plan's walls, and
/// everyone else keeps today's world.
@Suite struct PlanningLayerTests {
    /// A GeoJSON ring from the plaza's metres.
    static func ring(_ points: [(Double, Double)]) -> [[[Double]]] {
        let frame = LocalFrame(anchor: GeoAnchor(latitude: 35.147, longitude: 126.92, height: 40))
        let closed = points + [points[0]]
        return [
            closed.map { p in
                let g = frame.geodetic(ENU(e: p.0, n: p.1, u: 0))
                return [g.longitude, g.latitude]
            }
        ]
    }

    @Test func theProposedBuildingStopsOnlyThoseWalkingThePlan() async throws {
        let server = try await TestServer.fast { $0.planningEffects = .draft }
        defer { Task { await server.stop() } }
        let planner = try await citizen(server, "planner", personas: ["계획가"])
        let walker = try await citizen(server, "walker", personas: ["걷는이"])
        try await server.store().setRole(account: planner.accountId, space: "testland/plaza", role: .planner)
        let now = Date()
        let iso = ISO8601DateFormatter()
        let body: [String: Any] = [
            "id": "pavilion",
            "title": ["ko": "광장 파빌리온", "en": "A pavilion on the plaza"],
            "description": ["ko": "광장 가운데 파빌리온", "en": "A pavilion in the middle of the plaza"],
            "period": ["opens": iso.string(from: now - 3600), "closes": iso.string(from: now + 86_400)],
            "changes": [
                [
                    "kind": "add_building", "id": "pavilion", "heightM": 8,
                    "footprint": [
                        "type": "Polygon", "coordinates": Self.ring([(40, 40), (60, 40), (60, 60), (40, 60)]),
                    ],
                ]
            ],
        ]
        _ = try await planner.api.publishProposal(
            space: "testland/plaza", document: try JSONSerialization.data(withJSONObject: body))

        let avatar = try await walker.enter(server)
        let other = try await server.guest("Other")
        // Around the plaza's building (x 16–20, y 4–16) to the lot's south side.
        for stage in 0..<2 {
            let legs = [(avatar, stage == 0 ? 10.0 : 50.0, 30.0), (other, stage == 0 ? 12.0 : 44.0, 34.0)]
            for (a, x, y) in legs { _ = a.move(x: Float(x), y: Float(y), animation: .run) }
            for (a, x, y) in legs {
                _ = await a.waitUntil(timeoutS: 10) {
                    abs($0.view.selfX - Float(x)) < 0.2 && abs($0.view.selfY - Float(y)) < 0.2
                }
            }
        }
        // In today's world the lot is open: walk into it.
        avatar.move(x: 50, y: 50, animation: .run)
        #expect(await avatar.waitUntil(timeoutS: 5) { abs($0.view.selfY - 50) < 0.2 }, "today the lot is open")
        // Switching to the plan while standing where its walls are steps the avatar out.
        avatar.walkIn(proposal: "pavilion", version: 1)
        #expect(await avatar.waitUntil(timeoutS: 5) { $0.layer?.proposal == "pavilion" })
        try await Task.sleep(for: .milliseconds(300))
        let out = avatar.snapshot.view
        let inside = out.selfX > 40 && out.selfX < 60 && out.selfY > 40 && out.selfY < 60
        #expect(!inside, "moved out of the proposed building: \(out.selfX), \(out.selfY)")
        // Walking at it again is stopped at the wall, in the plan only.
        avatar.move(x: 50, y: 30, animation: .run)
        _ = await avatar.waitUntil(timeoutS: 10) { abs($0.view.selfY - 30) < 0.2 && abs($0.view.selfX - 50) < 0.2 }
        avatar.move(x: 50, y: 50, animation: .run)
        try await Task.sleep(for: .seconds(3))
        #expect(avatar.snapshot.view.selfY < 40, "stopped at the planned wall: y = \(avatar.snapshot.view.selfY)")
        // Someone in today's world walks through the same place.
        other.move(x: 44, y: 50, animation: .run)
        #expect(await other.waitUntil(timeoutS: 5) { abs($0.view.selfY - 50) < 0.2 }, "others keep today's world")
        // An unknown layer is refused; back to today, the lot is open again.
        avatar.walkIn(proposal: "nothing", version: 1)
        #expect(await avatar.waitUntil(timeoutS: 5) { $0.errors.contains { $0.code == .unknownLayer } })
        avatar.walkIn(proposal: "", version: 0)
        #expect(await avatar.waitUntil(timeoutS: 5) { $0.layer?.proposal == "" })
        // (Beside the other avatar and its personal boundary.)
        avatar.move(x: 55, y: 52, animation: .run)
        #expect(await avatar.waitUntil(timeoutS: 5) { abs($0.view.selfY - 52) < 0.2 && abs($0.view.selfX - 55) < 0.2 })

        // The hour of the plan's layer leaves only as a noisy release under the proposal's key.
        server.engine.visits.closeAllNow()
        var hours: [Any] = []
        for _ in 0..<50 where hours.isEmpty {
            try await Task.sleep(for: .milliseconds(200))
            let body = try await server.api.call("GET", "/api/v1/stats/proposals?proposal=pavilion")
            hours = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["hours"] as? [Any] ?? []
        }
        #expect(hours.count == 1, "one release for the hour the plan was walked in")
    }
}
