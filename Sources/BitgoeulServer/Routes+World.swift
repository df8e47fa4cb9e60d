import Foundation
import Hummingbird
import NIOCore
import Realtime
import WorldModel

/// The world directory (what exists and how full it is), health, metrics and the API description.
enum WorldRoutes {
    /// A space as listed: everything but its obstacle geometry, plus the live head count.
    struct SpaceSummary: Encodable {
        let id: String
        let name: LocalizedText
        let kind: SpaceKind
        let anchor: GeoAnchor
        let bounds: Bounds
        let spawns: [SpawnPoint]
        let portals: [Portal]
        let capacity: Int
        let occupancy: Int
        let allowGuests: Bool
        let obstacleCount: Int
        let attribution: String?
    }

    struct RegionSummary: Encodable {
        let id: String
        let name: LocalizedText
        let spaces: [SpaceSummary]
    }

    struct WorldBody: Encodable {
        let regions: [RegionSummary]
    }

    static func summary(_ space: Space, services: Services) -> SpaceSummary {
        SpaceSummary(
            id: space.id, name: space.name, kind: space.kind, anchor: space.anchor, bounds: space.bounds,
            spawns: space.spawns, portals: space.portals, capacity: space.capacity,
            occupancy: services.engine.directory[space.id]?.occupancy ?? 0, allowGuests: space.allowGuests,
            obstacleCount: space.obstacles.count, attribution: space.attribution)
    }

    static func add(to router: Router<BasicRequestContext>, services: Services) {
        router.get("/healthz") { _, _ -> Response in
            JSON.response(["status": "ok"])
        }

        router.get("/api/v1/world") { _, _ -> Response in
            let regions = services.world.regions.map { region in
                RegionSummary(
                    id: region.id, name: region.name, spaces: region.spaces.map { summary($0, services: services) })
            }
            return JSON.response(WorldBody(regions: regions))
        }

        // Space ids contain a slash: `/api/v1/spaces/gwangju/gmap`.
        router.get("/api/v1/spaces/{region}/{space}") { _, context -> Response in
            let id = "\(context.parameters.get("region") ?? "")/\(context.parameters.get("space") ?? "")"
            guard let space = services.world.space(id: id) else {
                throw APIError(.notFound, "unknown_space", "no space '\(id)'")
            }
            return JSON.response(space)
        }

        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: MetricsRegistry.render())))
        }

        router.get("/openapi.json") { _, _ -> Response in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
                let data = try? Data(contentsOf: url)
            else {
                throw APIError(.internalServerError, "internal", "the API description is missing from this build")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
