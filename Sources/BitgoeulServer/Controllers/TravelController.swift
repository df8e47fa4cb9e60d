import Clocks
import Cluster
import Federation
import Foundation
import Hummingbird
import Storage
import WorldModel

/// `POST /api/v1/travel/tickets`: a signed-in person asks their home city for a ticket to a space
/// in a peer city, for one of their personas. The ticket names them there only by a pairwise
/// pseudonym; the client connects to that city with it, and the home session stays home.
struct TravelController {
    let services: Services

    struct Input: Decodable {
        let personaId: Int64
        /// The peer city's server id, e.g. `daegu.example`.
        let city: String
        /// The space to arrive in there, e.g. `daegu/kim-kwangseok-street`.
        let space: String
        /// "ko" (default) or "en".
        let lang: String?
    }

    struct Output: Encodable {
        let city: String
        /// Where to connect there (WebSocket), with the ticket in `hello`.
        let url: String
        let ticket: String
        let space: String
        let expiresAt: Int64
    }

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self).post("/api/v1/travel/tickets", use: issue)
    }

    @Sendable func issue(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let federation = try services.requireFederation()
        let input = try await request.decode(as: Input.self, context: context)
        guard let peer = federation.tickets.peers[input.city] else {
            throw APIError(.notFound, "unknown_city", "'\(input.city)' is not a city this one federates with")
        }
        guard peer.sendsTravellers else {
            throw APIError(.forbidden, "not_allowed", "this city does not send travellers to '\(peer.id)'")
        }
        let parts = input.space.split(separator: "/", omittingEmptySubsequences: false)
        guard input.space.utf8.count <= 128, parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw APIError.invalid("space", "a space id such as daegu/kim-kwangseok-street (at most 128 bytes)")
        }
        let lang = input.lang ?? "ko"
        guard ["ko", "en"].contains(lang) else { throw APIError.invalid("lang", "ko or en") }
        guard let owned = try await services.store.persona(id: input.personaId), owned.accountId == account else {
            throw APIError(.notFound, "not_found", "no persona \(input.personaId) of yours")
        }
        guard let url = HandoffTickets.webSocketURL(peer.url) else {
            throw APIError(.serviceUnavailable, "peer_unreachable", "'\(peer.id)' has no usable URL")
        }
        let nowS = Int64(services.clock.now().timeIntervalSince1970)
        var random = SystemRandomNumberGenerator()
        let nonce = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
        let claims = TravelClaims(
            iss: federation.identity.id, aud: peer.id,
            sub: federation.pseudonyms.pseudonym(of: account, at: peer.id), name: owned.persona.name,
            appearance: owned.persona.appearance, lang: lang, space: input.space, iat: nowS,
            exp: nowS + TravelTickets.lifetimeMaxS, nonce: nonce)
        let ticket = try federation.tickets.sign(claims)
        return JSON.response(
            Output(city: peer.id, url: url, ticket: ticket, space: input.space, expiresAt: claims.exp),
            status: .created)
    }
}
