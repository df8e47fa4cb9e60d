import Crypto
import Foundation
import Realtime
import Synchronization

/// Issues and verifies handoff tickets with this node's Ed25519 key; other nodes' public keys come
/// from the registry (`ClusterDirectory`).
///
/// A ticket is `bt1.` + base64url(claims JSON) + `.` + base64url(Ed25519 signature over
/// `bitgoeul-handoff-v1\n` + the claims' bytes). Single use is checked by the receiver against the
/// database; expiry against its own clock with `skewS` of tolerance, so clocks a few seconds apart
/// neither refuse good tickets nor stretch a ticket's life by more than that.
public final class HandoffTickets: Handoffs {
    /// A ticket's life from issue: long enough to reconnect, too short to pass around.
    public static let lifetimeS: Int64 = 30
    /// Clock difference between servers tolerated in `exp`.
    public static let skewS: Int64 = 10
    static let prefix = "bt1."
    static let domain = Array("bitgoeul-handoff-v1\n".utf8)

    let me: String
    /// The raw private key (the key type itself is not `Sendable`; it is rebuilt per signature).
    let keyBytes: Data
    public let publicKey: [UInt8]
    let directory: ClusterDirectory
    let now: @Sendable () -> Date
    /// Parcel seals accepted and when they expire, so none is taken twice (`openParcel`).
    let parcelsSeen = Mutex<[String: Int64]>([:])

    public init(
        me: String, key: Curve25519.Signing.PrivateKey, directory: ClusterDirectory,
        now: @escaping @Sendable () -> Date
    ) {
        self.me = me
        self.keyBytes = key.rawRepresentation
        self.publicKey = [UInt8](key.publicKey.rawRepresentation)
        self.directory = directory
        self.now = now
    }

    public func redirect(to space: String, carrying passenger: HandoffPassenger) -> Redirect? {
        guard let placement = directory.placement(of: space), placement.node != me,
            let url = Self.webSocketURL(placement.url)
        else { return nil }
        var random = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
        let claims = HandoffClaims(
            iss: me, aud: placement.node, jti: id, exp: Int64(now().timeIntervalSince1970) + Self.lifetimeS,
            space: space, account: passenger.account, persona: passenger.persona, guestName: passenger.guestName,
            appearance: passenger.appearance, boundary: passenger.boundary)
        guard let ticket = try? sign(claims) else { return nil }
        return Redirect(url: url, ticket: ticket, space: space)
    }

    /// Handoff tickets' envelope.
    static let handoff = EnvelopeKind(
        prefix: prefix, domain: domain, bytesMax: 1024, lifetimeS: lifetimeS, noun: "ticket",
        notOne: "not a Bitgoeul handoff ticket",
        wrongServer: { aud, me in "the ticket is for '\(aud)', not this server ('\(me)')" },
        expired: "the ticket expired; go back and try again")

    /// The ticket for `claims`, signed with this node's key.
    public func sign(_ claims: HandoffClaims) throws -> String { try seal(claims, as: Self.handoff) }

    public func verify(_ ticket: String) -> Result<HandoffClaims, TicketRefusal> { open(ticket, as: Self.handoff) }

    /// `ws://host:port/api/v1/connect` for `http://host:port` (and wss for https).
    public static func webSocketURL(_ base: String) -> String? {
        guard var url = URLComponents(string: base), let scheme = url.scheme else { return nil }
        switch scheme {
        case "http": url.scheme = "ws"
        case "https": url.scheme = "wss"
        default: return nil
        }
        url.path = (url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path) + "/api/v1/connect"
        return url.string
    }
}

extension HandoffClaims: EnvelopeClaims {}
