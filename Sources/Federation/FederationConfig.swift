import Foundation

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

    /// Loads (or makes) the keys and the pseudonym secret in `dataDirectory` and reads the peers file.
    public init(config: FederationConfig, dataDirectory: URL, now: @escaping @Sendable () -> Date) throws {
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
