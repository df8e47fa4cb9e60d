import Crypto
import Foundation
import Realtime
import Synchronization

/// What a parcel's seal says: which node sent which space's parcel to which node, until when, and
/// the SHA-256 of the body it goes with.
public struct ParcelClaims: EnvelopeClaims, Hashable, Sendable {
    public var v = 1
    public var iss: String
    public var aud: String
    public var jti: String
    public var exp: Int64
    public var space: String
    /// Hex SHA-256 of the parcel's bytes.
    public var sha256: String
}

/// Seals for the parcels a space takes to its next node (`SpaceParcel`): signed with this node's
/// handoff key, so only a node of the cluster can hand a space's memory to another, only to the
/// one named, once, within `parcelLifetimeS`.
///
/// A seal is `bp1.` + base64url(claims JSON) + `.` + base64url(Ed25519 signature over
/// `bitgoeul-parcel-v1\n` + the claims' bytes); it travels beside the body (an HTTP header).
extension HandoffTickets {
    public static let parcelLifetimeS: Int64 = 60
    static let parcelPrefix = "bp1."
    static let parcelDomain = Array("bitgoeul-parcel-v1\n".utf8)

    /// Parcel seals' envelope.
    static let parcel = EnvelopeKind(
        prefix: parcelPrefix, domain: parcelDomain, bytesMax: 2048, lifetimeS: parcelLifetimeS, noun: "seal",
        notOne: "not a Bitgoeul parcel seal",
        wrongServer: { aud, me in "the parcel is for '\(aud)', not this node ('\(me)')" },
        expired: "the parcel's seal expired")

    /// The seal for `body`, the parcel of `space`, to `node`.
    public func sealParcel(_ body: Data, space: String, to node: String) throws -> String {
        try seal(
            ParcelClaims(
                iss: me, aud: node, jti: UUID().uuidString,
                exp: Int64(now().timeIntervalSince1970) + Self.parcelLifetimeS, space: space,
                sha256: Self.hex(SHA256.hash(data: body))),
            as: Self.parcel)
    }

    /// The claims of `seal` when it is a cluster node's seal of exactly `body`, for this node,
    /// unexpired and not seen before; otherwise why not.
    public func openParcel(_ seal: String, body: Data) -> Result<ParcelClaims, TicketRefusal> {
        openParcelSeal(seal).flatMap { claims in acceptParcel(claims, body: body).map { claims } }
    }

    /// The claims of `seal` when a node of the cluster signed it for this node and it has not
    /// expired: checked before the body is read, so nobody else makes a node take in 48 MiB.
    public func openParcelSeal(_ seal: String) -> Result<ParcelClaims, TicketRefusal> { open(seal, as: Self.parcel) }

    /// Whether `body` is the one `claims` sealed and the seal is used for the first time (then it
    /// is used up).
    public func acceptParcel(_ claims: ParcelClaims, body: Data) -> Result<Void, TicketRefusal> {
        guard claims.sha256 == Self.hex(SHA256.hash(data: body)) else {
            return .failure(TicketRefusal(.forged, "the seal is not for this parcel"))
        }
        let nowS = Int64(now().timeIntervalSince1970)
        let fresh = parcelsSeen.withLock { seen in
            seen = seen.filter { $0.value + Self.skewS >= nowS }
            guard seen[claims.jti] == nil else { return false }
            seen[claims.jti] = claims.exp
            return true
        }
        return fresh ? .success(()) : .failure(TicketRefusal(.replayed, "this parcel was delivered before"))
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
