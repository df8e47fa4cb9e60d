import Crypto
import Envelopes
import Foundation
import Synchronization
import WorldModel

/// What a travel ticket tells the destination city, and nothing more: who the traveller is *there*
/// (a pairwise pseudonym), the persona's name and look, the language, where to arrive, and when.
public struct TravelClaims: Codable, Hashable, Sendable {
    public var v = 1
    /// "travel": never a cluster's handoff ticket, which is signed under another domain too.
    public var typ = "travel"
    /// The home server, and the only server that may accept the ticket.
    public var iss: String
    public var aud: String
    /// The traveller's pseudonym at `aud` (`Pseudonyms`).
    public var sub: String
    public var name: String
    public var appearance: Appearance
    /// "ko" or "en".
    public var lang: String
    /// The space to arrive in, at `aud`.
    public var space: String
    /// Issued at and expires (seconds since 1970); at most `lifetimeMaxS` apart.
    public var iat: Int64
    public var exp: Int64
    /// 16 random bytes, hex: a ticket is accepted once.
    public var nonce: String
    /// The traveller's blocks from home, when they chose to bring them: the blocked accounts'
    /// pseudonyms at `aud` (at most `blocksMax`); absent otherwise.
    public var blocks: [String]?

    public init(
        iss: String, aud: String, sub: String, name: String, appearance: Appearance, lang: String, space: String,
        iat: Int64, exp: Int64, nonce: String, blocks: [String]? = nil
    ) {
        self.blocks = blocks
        self.iss = iss
        self.aud = aud
        self.sub = sub
        self.name = name
        self.appearance = appearance
        self.lang = lang
        self.space = space
        self.iat = iat
        self.exp = exp
        self.nonce = nonce
    }
}

/// Why a travel ticket is refused; `description` is the close reason the client sees.
public struct TravelRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case malformed, unknownPeer, notAccepted, forged, wrongServer, expired, replayed, tooMany
    }

    public let kind: Kind
    public let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// Issues travel tickets for this city's people and checks those of visitors from its peers.
///
/// A ticket is `bt1.` + base64url(claims JSON) + `.` + base64url(Ed25519 signature over
/// `bitgoeul-travel-v1\n` + the claims' bytes): the cluster's handoff envelope, under its own
/// domain. Checked: a peer that is listed and accepts visitors, a signature under one of its pinned
/// keys, this server as audience, a lifetime of at most `lifetimeMaxS`, the time within
/// `leewayS` of this server's clock, and a nonce not seen before.
public final class TravelTickets: Sendable {
    public static let lifetimeMaxS: Int64 = 60
    public static let leewayS: Int64 = 30
    public static let ticketBytesMax = 4096
    /// Blocks a ticket may carry.
    public static let blocksMax = 100
    /// Tickets a peer may present per second by default (a flood is refused, the rest carry on).
    public static let perPeerPerS = 50
    /// Nonces remembered at most (each for its ticket's life plus the leeway).
    public static let noncesMax = 200_000
    static let prefix = "bt1."
    static let domain = Array("bitgoeul-travel-v1\n".utf8)

    let identity: ServerIdentity
    private let peerList: Mutex<PeerList>
    let now: @Sendable () -> Date
    /// Tickets a peer may present per second here.
    let perPeerPerS: Int
    /// Nonces accepted and when they expire; per peer, tickets counted in the current second.
    private let seen = Mutex<(nonces: [String: Int64], second: Int64, counts: [String: Int])>(([:], 0, [:]))

    public init(
        identity: ServerIdentity, peers: PeerList, now: @escaping @Sendable () -> Date,
        perPeerPerS: Int = TravelTickets.perPeerPerS
    ) {
        self.perPeerPerS = perPeerPerS
        self.identity = identity
        self.peerList = Mutex(peers)
        self.now = now
    }

    /// The peers as now (replaced on defederation without a restart).
    public var peers: PeerList { peerList.withLock { $0 } }
    public func replacePeers(_ peers: PeerList) { peerList.withLock { $0 = peers } }

    /// A ticket for `claims`, signed with the current key.
    public func sign(_ claims: TravelClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(claims)
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: identity.current.privateKey)
        let signature = try key.signature(for: Self.domain + [UInt8](body))
        return Envelope.join(prefix: Self.prefix, body: body, signature: signature)
    }

    /// The claims of a visitor's ticket, or why it is refused.
    public func verify(_ ticket: String) -> Result<TravelClaims, TravelRefusal> {
        guard ticket.utf8.count <= Self.ticketBytesMax, ticket.hasPrefix(Self.prefix) else {
            return .failure(TravelRefusal(.malformed, "not a Bitgoeul travel ticket"))
        }
        guard let (body, signature) = Envelope.split(ticket, prefix: Self.prefix),
            let claims = try? JSONDecoder().decode(TravelClaims.self, from: body), claims.v == 1,
            claims.typ == "travel", claims.nonce.utf8.count == 32, claims.sub.utf8.count <= 64,
            claims.name.utf8.count <= 96, ["ko", "en"].contains(claims.lang), claims.space.utf8.count <= 128,
            (claims.blocks ?? []).count <= Self.blocksMax, (claims.blocks ?? []).allSatisfy({ $0.utf8.count <= 64 })
        else { return .failure(TravelRefusal(.malformed, "the travel ticket cannot be read")) }
        guard let peer = peers[claims.iss] else {
            return .failure(TravelRefusal(.unknownPeer, "'\(claims.iss)' is not a city this one federates with"))
        }
        guard peer.acceptsVisitors else {
            return .failure(TravelRefusal(.notAccepted, "this city does not take visitors from '\(peer.id)'"))
        }
        let verified = peer.keys.contains { raw in
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
            return key.isValidSignature(signature, for: Self.domain + [UInt8](body))
        }
        guard verified else {
            return .failure(TravelRefusal(.forged, "the ticket is not signed with a key pinned for '\(peer.id)'"))
        }
        guard claims.aud == identity.id else {
            return .failure(TravelRefusal(.wrongServer, "the ticket is for '\(claims.aud)', not '\(identity.id)'"))
        }
        let nowS = Int64(now().timeIntervalSince1970)
        guard claims.exp > claims.iat, claims.exp - claims.iat <= Self.lifetimeMaxS,
            claims.iat <= nowS + Self.leewayS, nowS <= claims.exp + Self.leewayS
        else {
            return .failure(TravelRefusal(.expired, "the travel ticket expired (or the two servers' clocks differ)"))
        }
        let verdict: TravelRefusal? = seen.withLock { state in
            if state.second != nowS {
                state.second = nowS
                state.counts = [:]
                state.nonces = state.nonces.filter { $0.value + Self.leewayS >= nowS }
            }
            state.counts[peer.id, default: 0] += 1
            if state.counts[peer.id]! > perPeerPerS {
                return TravelRefusal(.tooMany, "too many visitors from '\(peer.id)' at once; try again in a second")
            }
            guard state.nonces[claims.nonce] == nil else {
                return TravelRefusal(.replayed, "this travel ticket was used before")
            }
            guard state.nonces.count < Self.noncesMax else {
                return TravelRefusal(.tooMany, "too many visitors arriving at once; try again in a second")
            }
            state.nonces[claims.nonce] = claims.exp
            return nil
        }
        if let verdict { return .failure(verdict) }
        return .success(claims)
    }
}
