import Cluster
import Foundation
import Hummingbird
import NIOCore

/// What operators and tools read: health, metrics and the API's own description.
struct OperationsController {
    /// This node's part in a cluster, for the health check (nil on a single server).
    let cluster: ClusterMember?

    /// The HTTP API's description, served at `/openapi.json` (empty if missing from the build).
    static let openAPIDocument: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else { return Data() }
        return (try? Data(contentsOf: url)) ?? Data()
    }()

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/healthz", use: health)
            .get("/metrics", use: metrics)
            .get("/openapi.json", use: openAPI)
    }

    @Sendable func health(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        guard let member = cluster else { return JSON.response(Health(status: "ok")) }
        // Degraded still answers 200: the node's spaces keep running from memory until their leases end.
        return JSON.response(
            Health(
                status: await member.health.rawValue, node: member.directory.me,
                spacesServed: await member.served.count, nodes: member.directory.nodeIds))
    }

    struct Health: Encodable {
        var status: String
        var node: String?
        var spacesServed: Int?
        var nodes: [String]?
    }

    @Sendable func metrics(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: MetricsRegistry.render())))
    }

    @Sendable func openAPI(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        guard !Self.openAPIDocument.isEmpty else {
            throw APIError(.internalServerError, "internal", "the API description is missing from this build")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.openAPIDocument)))
    }
}
