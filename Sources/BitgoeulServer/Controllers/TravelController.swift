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
        /// Bring the persona's account's blocks along (as pseudonyms there); default false.
        let bringBlocks: Bool?
    }

    struct Output: Encodable {
        let city: String
        /// Where to connect there (WebSocket), with the ticket in `visit`.
        let url: String
        /// The city's own web page of a space, for a browser to go on to with the ticket.
        let page: String
        let ticket: String
        let space: String
        let expiresAt: Int64
    }

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .post("/api/v1/travel/tickets", use: issue)
            .get("/api/v1/travel/cities", use: cities)
    }

    struct City: Encodable {
        let id: String
        let name: String
        let url: String
        let acceptsVisitors: Bool
        let sendsTravellers: Bool
        let status: PeerStatus.State
        let place: WellKnown.Place?
        let entryPoints: [WellKnown.EntryPoint]
        let checkedAt: Int64?
    }

    struct Me: Encodable {
        let id: String
        let name: String
        let place: WellKnown.Place?
    }

    /// `GET /api/v1/travel/cities`: this city and its peers as last seen, for maps and travel menus;
    /// outside a federation `{"me": null, "cities": []}`, so a page can ask without an error.
    @Sendable func cities(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        struct Body: Encodable {
            let me: Me?
            let cities: [City]

            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(me, forKey: .me)
                try c.encode(cities, forKey: .cities)
            }

            enum CodingKeys: String, CodingKey { case me, cities }
        }
        guard let federation = services.federation else { return JSON.response(Body(me: nil, cities: [])) }
        let place = services.world.spaces.first.map {
            WellKnown.Place(latitude: $0.anchor.latitude, longitude: $0.anchor.longitude)
        }
        let peers = federation.tickets.peers.peers.values.sorted { $0.id < $1.id }.map { peer in
            let seen = federation.watch.status(of: peer.id)
            return City(
                id: peer.id, name: peer.name == peer.id ? (seen.name ?? peer.id) : peer.name, url: peer.url,
                acceptsVisitors: peer.acceptsVisitors, sendsTravellers: peer.sendsTravellers, status: seen.state,
                place: seen.place, entryPoints: seen.entryPoints, checkedAt: seen.checkedAt)
        }
        let me = Me(id: federation.identity.id, name: federation.identity.name, place: place)
        return JSON.response(Body(me: me, cities: peers))
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
        var status = federation.watch.status(of: peer.id)
        if status.state == .down, (status.checkedAt ?? 0) < Int64(services.clock.now().timeIntervalSince1970) - 2 {
            // Down at the last look (perhaps it started after us): look again now, not at the next round.
            status = await PeerWatchService.look(
                at: peer, federation: federation, now: services.clock.now, logger: services.logger)
        }
        guard status.takesTravellers else {
            let why =
                status.state == .down
                ? "'\(peer.id)' cannot be reached now; try again later"
                : "'\(peer.id)' does not show the key this city pinned for it; nobody is sent there until that is resolved"
            throw APIError(.serviceUnavailable, "peer_unavailable", why)
        }
        let parts = input.space.split(separator: "/", omittingEmptySubsequences: false)
        guard input.space.utf8.count <= 128, parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw APIError.invalid("space", "a space id such as daegu/kim-kwangseok-street (at most 128 bytes)")
        }
        if status.state == .up, !status.entryPoints.contains(where: { $0.id == input.space }) {
            throw APIError(.notFound, "unknown_space", "'\(peer.id)' takes no visitors in '\(input.space)'")
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
            exp: nowS + TravelTickets.lifetimeMaxS, nonce: nonce,
            blocks: input.bringBlocks == true ? try await blocks(of: account, at: peer.id, federation) : nil)
        let ticket = try federation.tickets.sign(claims)
        return JSON.response(
            Output(
                city: peer.id, url: url, page: Self.page(of: peer.url), ticket: ticket, space: input.space,
                expiresAt: claims.exp),
            status: .created)
    }

    /// The pseudonyms at `city` of the accounts `account` blocks, the latest first, at most
    /// `TravelTickets.blocksMax`: they reveal nothing there but that this traveller avoids them.
    func blocks(of account: Int64, at city: String, _ federation: FederationNode) async throws -> [String] {
        let blocked = try await services.store.relations(owner: account).filter { $0.kind == .block }
            .sorted { $0.createdAt > $1.createdAt }.prefix(TravelTickets.blocksMax)
        return blocked.map { federation.pseudonyms.pseudonym(of: $0.targetAccount, at: city) }
    }

    /// `base` + `/space.html`, whether or not the base ends in a slash.
    static func page(of base: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/space.html"
    }
}
