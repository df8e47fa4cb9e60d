import Envelopes
import Foundation
import TOML

/// A city this server federates with, from the peers file.
public struct Peer: Sendable, Hashable {
    public let id: String
    /// What its visitors are marked with here ("대구 Daegu"); the id when the file gives none.
    public let name: String
    /// Its HTTP(S) base URL (`/.well-known/bitgoeul` and `/api/v1/connect` are under it).
    public let url: String
    /// Its Ed25519 public keys (32 bytes each) pinned here: a ticket verifies only under one of them.
    public let keys: [Data]
    /// Whether its people may visit here, and whether ours may travel there.
    public let acceptsVisitors: Bool
    public let sendsTravellers: Bool

    public init(
        id: String, name: String? = nil, url: String, keys: [Data], acceptsVisitors: Bool, sendsTravellers: Bool
    ) {
        self.id = id
        self.name = name ?? id
        self.url = url
        self.keys = keys
        self.acceptsVisitors = acceptsVisitors
        self.sendsTravellers = sendsTravellers
    }
}

/// The peers file (`serve --peers FILE`, TOML): every city this server federates with. Nothing
/// travels to or from a server that is not in it.
///
/// ```toml
/// [[peer]]
/// id = "daegu.example"
/// name = "대구 Daegu"       # what its visitors are marked with; default: the id
/// url = "https://daegu.example"
/// keys = ["<base64url of its 32-byte Ed25519 public key>"]
/// accept_visitors = true    # default true
/// send_travellers = true    # default true
/// ```
public struct PeerList: Sendable {
    public static let peersMax = 256
    public static let keysPerPeerMax = 8
    public static let bytesMax = 256 * 1024

    public let peers: [String: Peer]

    public init(_ peers: [Peer]) {
        self.peers = Dictionary(peers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(id: String) -> Peer? { peers[id] }

    /// The peers of `text` (the file `file`), or the first thing wrong with it: which key and why.
    public static func parse(_ text: String, file: String, me: String) throws -> PeerList {
        func error(_ key: String, _ reason: String) -> FederationError { FederationError("\(file): \(key): \(reason)") }
        guard text.utf8.count <= bytesMax else { throw error("(file)", "at most \(bytesMax) bytes") }
        let table: TOMLTable
        do {
            table = try TOML.parse(text)
        } catch {
            throw FederationError("\(file): \(error)")
        }
        for key in table.keys where key != "peer" { throw error(key, "unknown key (expected [[peer]] tables)") }
        let entries = table["peer"]?.array ?? []
        guard entries.count <= peersMax else { throw error("peer", "at most \(peersMax) peers") }
        var peers: [Peer] = []
        for (n, entry) in entries.enumerated() {
            let at = "peer[\(n)]"
            guard let t = entry.table else { throw error(at, "a [[peer]] table") }
            for key in t.keys where !["id", "name", "url", "keys", "accept_visitors", "send_travellers"].contains(key) {
                throw error("\(at).\(key)", "unknown key")
            }
            guard let id = t["id"]?.string else { throw error("\(at).id", "missing (a server id)") }
            if let problem = ServerIdentity.problem(id: id) { throw error("\(at).id", problem) }
            guard id != me else { throw error("\(at).id", "'\(id)' is this server") }
            guard !peers.contains(where: { $0.id == id }) else { throw error("\(at).id", "'\(id)' is listed twice") }
            let name = t["name"]?.string
            if t["name"] != nil {
                guard let name, !name.isEmpty, name.count <= 40 else { throw error("\(at).name", "1–40 characters") }
            }
            guard let url = t["url"]?.string, let parts = URLComponents(string: url),
                ["http", "https"].contains(parts.scheme ?? ""), parts.host?.isEmpty == false, url.utf8.count <= 256
            else { throw error("\(at).url", "http(s)://host[:port], at most 256 bytes") }
            guard let keyValues = t["keys"]?.array, (1...keysPerPeerMax).contains(keyValues.count) else {
                throw error("\(at).keys", "1–\(keysPerPeerMax) pinned public keys")
            }
            var keys: [Data] = []
            for (k, value) in keyValues.enumerated() {
                guard let text = value.string, let key = Base64URL.decode(text), key.count == 32 else {
                    throw error("\(at).keys[\(k)]", "a base64url Ed25519 public key (32 bytes)")
                }
                keys.append(key)
            }
            func flag(_ key: String) throws -> Bool {
                guard let value = t[key] else { return true }
                guard let b = value.bool else { throw error("\(at).\(key)", "true or false") }
                return b
            }
            peers.append(
                Peer(
                    id: id, name: name, url: url, keys: keys, acceptsVisitors: try flag("accept_visitors"),
                    sendsTravellers: try flag("send_travellers")))
        }
        return PeerList(peers)
    }
}
