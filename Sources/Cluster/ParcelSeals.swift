import Crypto
import Foundation
import Realtime
import Storage
import Synchronization

/// What a parcel's seal says: which node sent which space's parcel to which node, until when, and
/// the SHA-256 of the body it goes with.
public struct ParcelClaims: Codable, Hashable, Sendable {
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

    /// The seal for `body`, the parcel of `space`, to `node`.
    public func sealParcel(_ body: Data, space: String, to node: String) throws -> String {
        let claims = ParcelClaims(
            iss: me, aud: node, jti: UUID().uuidString, exp: Int64(now().timeIntervalSince1970) + Self.parcelLifetimeS,
            space: space, sha256: Self.hex(SHA256.hash(data: body)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = try encoder.encode(claims)
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: keyBytes)
        let signature = try key.signature(for: Self.parcelDomain + [UInt8](bytes))
        return Self.parcelPrefix + Self.base64URL(bytes) + "." + Self.base64URL(signature)
    }

    /// The claims of `seal` when it is a cluster node's seal of exactly `body`, for this node,
    /// unexpired and not seen before; otherwise why not.
    public func openParcel(_ seal: String, body: Data) -> Result<ParcelClaims, TicketRefusal> {
        openParcelSeal(seal).flatMap { claims in acceptParcel(claims, body: body).map { claims } }
    }

    /// The claims of `seal` when a node of the cluster signed it for this node and it has not
    /// expired: checked before the body is read, so nobody else makes a node take in 48 MiB.
    public func openParcelSeal(_ seal: String) -> Result<ParcelClaims, TicketRefusal> {
        guard seal.utf8.count <= 2048, seal.hasPrefix(Self.parcelPrefix) else {
            return .failure(TicketRefusal(.malformed, "not a Bitgoeul parcel seal"))
        }
        let parts = seal.dropFirst(Self.parcelPrefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let bytes = Self.data(base64URL: parts[0]),
            let signature = Self.data(base64URL: parts[1]),
            let claims = try? JSONDecoder().decode(ParcelClaims.self, from: bytes), claims.v == 1
        else { return .failure(TicketRefusal(.malformed, "the seal cannot be read")) }
        guard let issuer = directory.node(claims.iss),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: issuer.ticketKey)
        else {
            return .failure(TicketRefusal(.unknownIssuer, "the seal's issuer '\(claims.iss)' is not in this cluster"))
        }
        guard key.isValidSignature(signature, for: Self.parcelDomain + [UInt8](bytes)) else {
            return .failure(TicketRefusal(.forged, "the seal's signature does not verify"))
        }
        guard claims.aud == me else {
            return .failure(TicketRefusal(.wrongServer, "the parcel is for '\(claims.aud)', not this node ('\(me)')"))
        }
        let nowS = Int64(now().timeIntervalSince1970)
        guard nowS <= claims.exp + Self.skewS, claims.exp <= nowS + Self.parcelLifetimeS + Self.skewS else {
            return .failure(TicketRefusal(.expired, "the parcel's seal expired"))
        }
        return .success(claims)
    }

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
