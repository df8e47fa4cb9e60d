import Clocks
import Federation
import Hummingbird
import Logging
import Realtime
import Wire
import WorldModel

/// `GET /.well-known/bitgoeul`: this city's id, name, keys, clock and entry points, for its peers
/// (404 on a server outside any federation).
struct FederationController {
    let services: Services
    /// The protocol version of travel (tickets and the well-known document).
    static let protocolVersion = 1

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self).get("/.well-known/bitgoeul", use: wellKnown)
    }

    @Sendable func wellKnown(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let federation = try services.requireFederation()
        // Every space of this world takes visitors (a space's manifest may restrict that later).
        let spaces = services.world.spaces
        let entryPoints = spaces.map { WellKnown.EntryPoint(id: $0.id, name: $0.name) }.sorted { $0.id < $1.id }
        let place = spaces.first.map { WellKnown.Place(latitude: $0.anchor.latitude, longitude: $0.anchor.longitude) }
        return JSON.response(
            WellKnown(
                identity: federation.identity, protocolVersion: Self.protocolVersion, entryPoints: entryPoints,
                place: place, now: services.clock.now()))
    }
}

extension Services {
    /// This city's federation, or 404 on a server outside any.
    func requireFederation() throws -> FederationNode {
        guard let federation else {
            throw APIError(.notFound, "not_federated", "this server is not a city of a federation")
        }
        return federation
    }
}

extension BitgoeulServer {
    /// Whether this server is a city of a federation.
    public var federates: Bool { services.federation != nil }

    /// Reads the peers file again (SIGHUP); a bad file leaves the peers as they were, and says why.
    /// Visitors from a city this one no longer takes visitors from (removed, or `accept_visitors =
    /// false`) are sent home: their connections close with `defederated`.
    public func reloadPeers() {
        guard let federation = services.federation else { return }
        let before = federation.tickets.peers
        do {
            try federation.reloadPeers()
        } catch {
            logger.error("the peers file was not taken; the peers stay as they were", metadata: ["reason": "\(error)"])
            return
        }
        let after = federation.tickets.peers
        logger.info("peers read again", metadata: ["peers": "\(after.peers.count)"])
        // A new or changed peer is looked at now, not at the next round.
        Task { [services, logger] in
            await PeerWatchService.round(federation: federation, now: services.clock.now, logger: logger)
        }
        for (id, peer) in before.peers where peer.acceptsVisitors && after[id]?.acceptsVisitors != true {
            let visitors = services.engine.safety.visitors(from: id)
            logger.notice("no more visitors from a city", metadata: ["city": "\(id)", "sentHome": "\(visitors.count)"])
            for account in visitors {
                services.connections.end(
                    account: account, code: CloseCode.defederated,
                    reason: "this city no longer takes visitors from '\(id)': go home", forGood: false)
            }
        }
    }
}
