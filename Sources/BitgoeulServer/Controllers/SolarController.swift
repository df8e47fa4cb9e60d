import Foundation
import Hummingbird
import NIOCore
import WorldModel

/// The latest solar analysis of a space (`bitgoeul solar roofs --out <data>/solar/<region>/<space>`):
/// per-building annual irradiation and suitability class, which the web client colours roofs by.
struct SolarController {
    let services: Services

    static let resultBytesMax = 64 << 20

    /// Where `bitgoeul solar roofs` writes the analysis the server serves.
    static func resultFile(_ spaceId: String, services: Services) -> URL {
        services.config.dataDirectory.appendingPathComponent("solar").appendingPathComponent(spaceId)
            .appendingPathComponent("result.json")
    }

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/api/v1/spaces/{region}/{space}/solar", use: analysis)
    }

    @Sendable func analysis(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let region = context.parameters.get("region") ?? ""
        let name = context.parameters.get("space") ?? ""
        let id = "\(region)/\(name)"
        guard services.world.space(id: id) != nil else {
            throw APIError(.notFound, "unknown_space", "no space '\(id)'")
        }
        let file = Self.resultFile(id, services: services)
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        guard size > 0, size <= Self.resultBytesMax, let data = try? Data(contentsOf: file) else {
            throw APIError(
                .notFound, "no_solar_analysis",
                "no solar analysis of \(id) yet: run `bitgoeul solar roofs --world … --space \(id) --out \(file.deletingLastPathComponent().path)`"
            )
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
