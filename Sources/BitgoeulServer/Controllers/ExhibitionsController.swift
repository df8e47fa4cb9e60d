import Docent
import Foundation
import Hummingbird
import Realtime
import Storage
import WorldModel

/// Exhibitions over HTTP: list and read them (works joined with their catalogue records), and
/// curators publish new ones.
struct ExhibitionsController {
    let services: Services

    struct Summary: Encodable {
        let id: String
        let space: String
        let title: Exhibition.Title
        let from: String
        let to: String
        let curator: String
        let works: Int
    }

    /// A placement with its catalogue record, for the client's frames and panels.
    struct Shown: Encodable {
        let placement: Exhibition.Placement
        let artwork: Artwork
    }

    struct Full: Encodable {
        let exhibition: Exhibition
        let works: [Shown]
    }

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/api/v1/exhibitions", use: list)
            .get("/api/v1/exhibitions/{id}", use: show)
            .post("/api/v1/exhibitions", use: publish)
    }

    @Sendable func list(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let space = request.uri.queryParameters.get("space")
        let list = services.exhibitions.all(space: space).map {
            Summary(
                id: $0.id, space: $0.space, title: $0.title, from: $0.from, to: $0.to, curator: $0.curator,
                works: $0.works.count)
        }
        return JSON.response(["exhibitions": list])
    }

    @Sendable func show(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id"), let e = services.exhibitions.get(id) else {
            throw APIError(.notFound, "not_found", "no such exhibition")
        }
        let byId = services.docent.artworksById
        return JSON.response(
            Full(
                exhibition: e,
                works: e.works.compactMap { p in byId[p.artwork].map { Shown(placement: p, artwork: $0) } }))
    }

    /// Curators and owners of a space publish exhibitions there; works must be in the catalogue.
    @Sendable func publish(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let e = try await request.decode(as: Exhibition.self, context: context)
        guard services.engine.directory[e.space] != nil else {
            throw APIError.invalid("space", "no space '\(e.space)'")
        }
        let role = try await services.role(of: account, in: e.space)
        guard role == .curator || role == .owner else {
            throw APIError(.forbidden, "not_allowed", "curators and owners of '\(e.space)' publish exhibitions there")
        }
        if let problem = e.problem(catalogue: Set(services.docent.artworksById.keys)) {
            throw APIError.invalid(String(problem.prefix { $0 != ":" }), problem)
        }
        let json = String(decoding: try JSONEncoder().encode(e), as: UTF8.self)
        try await services.store.saveExhibition(id: e.id, space: e.space, json: json, now: services.now())
        services.exhibitions.put(e)
        return JSON.response(e, status: .created)
    }
}
