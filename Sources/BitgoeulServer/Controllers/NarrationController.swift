import Docent
import Foundation
import Hummingbird
import Storage

/// Curator narration for an artwork, in Korean and English; the docent speaks it from then on.
struct NarrationController {
    let services: Services

    struct Input: Decodable {
        let ko: String?
        let en: String?
    }

    static let lengthMax = 4000

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .put("/api/v1/artworks/{id}/narration", use: write)
    }

    @Sendable func write(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let roles = try await services.store.roles(account: account)
        guard roles.values.contains(where: { $0 == .curator || $0 == .owner }) else {
            throw APIError(.forbidden, "not_allowed", "narration is written by curators")
        }
        guard let id = context.parameters.get("id"), services.docent.artworksById[id] != nil else {
            throw APIError(.notFound, "not_found", "no such artwork in the catalogue")
        }
        let input = try await request.decode(as: Input.self, context: context)
        for (field, text) in [("ko", input.ko), ("en", input.en)] {
            if let text, text.unicodeScalars.count > Self.lengthMax {
                throw APIError.invalid(field, "narration is at most \(Self.lengthMax) characters")
            }
        }
        try await services.store.saveNarration(artwork: id, ko: input.ko, en: input.en, now: services.now())
        services.docentHolder.setNarrations(try await services.store.narrations())
        return JSON.response(services.docent.artworksById[id])
    }
}
