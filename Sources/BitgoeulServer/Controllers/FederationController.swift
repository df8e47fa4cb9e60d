import Clocks
import Federation
import Hummingbird
import Logging
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
        let entryPoints = services.world.spaces.map(\.id).sorted()
        return JSON.response(
            WellKnown(
                identity: federation.identity, protocolVersion: Self.protocolVersion, entryPoints: entryPoints,
                now: services.clock.now()))
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
    public func reloadPeers() {
        guard let federation = services.federation else { return }
        do {
            try federation.reloadPeers()
            logger.info("peers read again", metadata: ["peers": "\(federation.tickets.peers.peers.count)"])
        } catch {
            logger.error("the peers file was not taken; the peers stay as they were", metadata: ["reason": "\(error)"])
        }
    }
}
