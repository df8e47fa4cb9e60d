import Foundation
import Logging
import Realtime

/// How a server takes part in a federation of cities (`serve --server-id … [--peers FILE]`).
public struct FederationConfig: Hashable, Sendable {
    /// This city's server id, e.g. `gwangju.example` (`ServerIdentity.problem(id:)`).
    public var serverId: String
    public var serverName: String
    /// The peers file; without one this city federates with nobody yet.
    public var peersFile: URL?

    public init(serverId: String, serverName: String, peersFile: URL?) {
        self.serverId = serverId
        self.serverName = serverName
        self.peersFile = peersFile
    }
}

/// This server's part in a federation: who it is, whom it trusts, and the pseudonyms of its people.
public final class FederationNode: Sendable {
    public let identity: ServerIdentity
    public let tickets: TravelTickets
    public let pseudonyms: Pseudonyms
    /// The peers' last statuses, from their well-known documents.
    public let watch = PeerWatch()
    let peersFile: URL?
    let logger: Logger

    /// Loads (or makes) the keys and the pseudonym secret in `dataDirectory` and reads the peers file.
    public init(
        config: FederationConfig, dataDirectory: URL, now: @escaping @Sendable () -> Date,
        logger: Logger = Logger(label: "bitgoeul.federation")
    ) throws {
        self.logger = logger
        identity = try ServerIdentity.load(
            id: config.serverId, name: config.serverName, folder: dataDirectory, now: now())
        pseudonyms = try Pseudonyms.load(folder: dataDirectory)
        peersFile = config.peersFile
        tickets = TravelTickets(
            identity: identity, peers: try Self.readPeers(config.peersFile, me: config.serverId), now: now)
    }

    /// Reads the peers file again (defederation without a restart); on a bad file the list stays.
    public func reloadPeers() throws {
        tickets.replacePeers(try Self.readPeers(peersFile, me: identity.id))
    }

    static func readPeers(_ file: URL?, me: String) throws -> PeerList {
        guard let file else { return PeerList([]) }
        let text: String
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            guard (attributes[.size] as? Int ?? 0) <= PeerList.bytesMax else {
                throw FederationError("\(file.path): at most \(PeerList.bytesMax) bytes")
            }
            text = try String(contentsOf: file, encoding: .utf8)
        } catch let error as FederationError {
            throw error
        } catch {
            throw FederationError("\(file.path): cannot be read")
        }
        return try PeerList.parse(text, file: file.path, me: me)
    }
}

extension FederationNode: TravelDesk {
    /// A visitor's ticket checked (`TravelTickets.verify`); a refusal is logged with its kind and
    /// the peer, never the traveller.
    public func admit(_ ticket: String) -> Result<VisitorPass, VisitRefusal> {
        switch tickets.verify(ticket) {
        case .failure(let refusal):
            logger.notice("travel ticket refused", metadata: ["kind": "\(refusal.kind.rawValue)"])
            return .failure(VisitRefusal(refusal.description))
        case .success(let claims):
            // verify() found the peer; it may have been removed since, in which case the ticket is refused.
            guard let peer = tickets.peers[claims.iss] else {
                return .failure(VisitRefusal("'\(claims.iss)' is not a city this one federates with"))
            }
            return .success(
                VisitorPass(
                    city: peer.id, cityName: peer.name, cityURL: peer.url, pseudonym: claims.sub, name: claims.name,
                    appearance: claims.appearance, space: claims.space, nonce: claims.nonce,
                    expiresAt: Date(timeIntervalSince1970: Double(claims.exp)), blocks: claims.blocks ?? []))
        }
    }
}
