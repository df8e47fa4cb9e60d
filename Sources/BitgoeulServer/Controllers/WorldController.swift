import Cluster
import Foundation
import Geo
import HTTPTypes
import Hummingbird
import NIOCore
import Realtime
import WorldModel

/// The world directory: what exists and how full it is, each space in full, the files imported
/// for it, and the administrative boundaries.
struct WorldController {
    let services: Services

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
        /// The gu and dong the anchor lies in (KOSTAT 2018 boundaries).
        let areas: [AdminArea]
        /// The ground avatars stand on (the server sets everyone's height from it).
        let ground: GroundRule
        /// Imported files the client may fetch from `assets/` (e.g. `buildings.glb`).
        let assets: [String]
        /// Whether `…/solar` has an analysis to colour roofs by.
        let solar: Bool
        /// The node of the cluster that serves the space (nil on a single server, or while it moves).
        let server: SpaceServer?
    }

    struct SpaceServer: Encodable {
        let node: String
        let url: String
        let connect: String
    }

    /// A space in full (with its obstacles), plus what the client may fetch for it.
    struct SpaceDetail: Encodable {
        let space: Space
        let assets: [String]
        let solar: Bool

        enum Extra: String, CodingKey { case assets, solar }

        func encode(to encoder: any Encoder) throws {
            try space.encode(to: encoder)
            var extra = encoder.container(keyedBy: Extra.self)
            try extra.encode(assets, forKey: .assets)
            try extra.encode(solar, forKey: .solar)
        }
    }

    struct RegionSummary: Encodable {
        let id: String
        let name: LocalizedText
        let spaces: [SpaceSummary]
    }

    struct WorldBody: Encodable {
        let regions: [RegionSummary]
    }

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/api/v1/world", use: world)
            // Space ids contain a slash: `/api/v1/spaces/gwangju/gmap`.
            .get("/api/v1/spaces/{region}/{space}", use: space)
            .get("/api/v1/spaces/{region}/{space}/assets/{file}", use: asset)
            .get("/api/v1/boundaries/{file}", use: boundaries)
    }

    @Sendable func world(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let regions = services.world.regions.map { region in
            RegionSummary(id: region.id, name: region.name, spaces: region.spaces.map(summary))
        }
        return JSON.response(WorldBody(regions: regions))
    }

    @Sendable func space(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let id = "\(context.parameters.get("region") ?? "")/\(context.parameters.get("space") ?? "")"
        guard let space = services.world.space(id: id) else {
            throw APIError(.notFound, "unknown_space", "no space '\(id)'")
        }
        return JSON.response(SpaceDetail(space: space, assets: assets(of: space), solar: hasSolarAnalysis(id)))
    }

    /// An imported file of a space, with an ETag (size and modification time) and revalidation headers.
    @Sendable func asset(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let region = context.parameters.get("region") ?? ""
        let spaceName = context.parameters.get("space") ?? ""
        let file = context.parameters.get("file") ?? ""
        guard services.world.space(id: "\(region)/\(spaceName)") != nil,
            let directory = services.config.worldDirectories.first(where: { Self.regionId(of: $0) == region })
        else { throw APIError(.notFound, "unknown_space", "no space '\(region)/\(spaceName)'") }
        guard let type = Self.assetTypes[file] else {
            throw APIError(
                .notFound, "unknown_asset", "assets are \(Self.assetTypes.keys.sorted().joined(separator: ", "))")
        }
        let url = directory.appendingPathComponent("spaces/\(spaceName)/\(file)")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date
        else { throw APIError(.notFound, "no_asset", "'\(region)/\(spaceName)' has no \(file); import geodata first") }
        guard size <= Self.assetBytesMax else {
            throw APIError(.internalServerError, "too_large", "\(file) is too large to serve")
        }
        let etag = "\"\(size)-\(Int64(modified.timeIntervalSince1970 * 1000))\""
        var headers: HTTPFields = [.eTag: etag, .cacheControl: "public, max-age=60, must-revalidate"]
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
        let data = try Data(contentsOf: url)
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The administrative boundaries themselves, for maps (KOGL Type 1, credit SGIS).
    @Sendable func boundaries(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let file = context.parameters.get("file") ?? ""
        guard let directory = services.config.boundariesDirectory, file.hasSuffix(".geojson"),
            !file.contains("/"), !file.hasPrefix("."),
            let data = try? Data(contentsOf: directory.appendingPathComponent(file))
        else { throw APIError(.notFound, "unknown_boundaries", "no boundary file '\(file)'") }
        return Response(
            status: .ok,
            headers: [.contentType: "application/geo+json", .cacheControl: "public, max-age=3600"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    func summary(_ space: Space) -> SpaceSummary {
        let local = services.engine.directory[space.id]
        // On a node of a cluster, where the space runs and how many are there (as of its last renewal,
        // at most a second old, when another node serves it).
        let placement = services.cluster?.directory.placement(of: space.id)
        let servedHere = local?.isServed == true && services.cluster != nil
        let occupancy = servedHere || services.cluster == nil ? (local?.occupancy ?? 0) : (placement?.occupancy ?? 0)
        let server = placement.flatMap { p in
            HandoffTickets.webSocketURL(p.url).map { SpaceServer(node: p.node, url: p.url, connect: $0) }
        }
        return SpaceSummary(
            id: space.id, name: space.name, kind: space.kind, anchor: space.anchor, bounds: space.bounds,
            spawns: space.spawns, portals: space.portals, capacity: space.capacity, occupancy: occupancy,
            allowGuests: space.allowGuests, obstacleCount: space.obstacles.count, attribution: space.attribution,
            areas: services.areas[space.id] ?? [], ground: space.ground, assets: assets(of: space),
            solar: hasSolarAnalysis(space.id), server: server)
    }

    func hasSolarAnalysis(_ spaceId: String) -> Bool {
        FileManager.default.fileExists(atPath: SolarController.resultFile(spaceId, services: services).path)
    }

    /// The asset files present for `space`, so clients ask only for what exists.
    func assets(of space: Space) -> [String] {
        let parts = space.id.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2,
            let directory = services.config.worldDirectories.first(where: { Self.regionId(of: $0) == parts[0] })
        else { return [] }
        let folder = directory.appendingPathComponent("spaces").appendingPathComponent(parts[1])
        return Self.assetTypes.keys.sorted().filter {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
        }
    }

    /// Files an import writes that clients may fetch, with their media types.
    static let assetTypes = [
        "buildings.glb": "model/gltf-binary", "buildings.json": "application/json",
        "footprints.json": "application/json",
    ]
    static let assetBytesMax = 256 * 1024 * 1024

    /// The region id of a world directory, read from its region.json.
    static func regionId(of directory: URL) -> String? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("region.json")),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["id"] as? String
    }
}
