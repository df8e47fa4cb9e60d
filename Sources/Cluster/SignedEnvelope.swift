import Crypto
import Envelopes
import Foundation
import Realtime
import Storage

/// Claims that travel in a node-signed envelope (a handoff ticket, a parcel's seal): who signed,
/// for whom, until when.
protocol EnvelopeClaims: Codable {
    var v: Int { get }
    var iss: String { get }
    var aud: String { get }
    var exp: Int64 { get }
}

/// One kind of envelope: `prefix` + base64url(claims JSON) + `.` + base64url(Ed25519 signature
/// over `domain` + the claims' bytes), and the words its refusals use.
struct EnvelopeKind {
    let prefix: String
    let domain: [UInt8]
    let bytesMax: Int
    let lifetimeS: Int64
    /// "ticket" or "seal", in "the seal cannot be read".
    let noun: String
    let notOne: String
    let wrongServer: @Sendable (_ aud: String, _ me: String) -> String
    let expired: String
}

extension HandoffTickets {
    /// `claims` signed with this node's key, in an envelope of `kind`.
    func seal(_ claims: some EnvelopeClaims, as kind: EnvelopeKind) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(claims)
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: keyBytes)
        let signature = try key.signature(for: kind.domain + [UInt8](body))
        return Envelope.join(prefix: kind.prefix, body: body, signature: signature)
    }

    /// The claims of `token` when a node of this cluster signed it for this node and it has not
    /// expired (with `skewS` of tolerance); otherwise why not.
    func open<Claims: EnvelopeClaims>(_ token: String, as kind: EnvelopeKind) -> Result<Claims, TicketRefusal> {
        guard token.utf8.count <= kind.bytesMax, token.hasPrefix(kind.prefix) else {
            return .failure(TicketRefusal(.malformed, kind.notOne))
        }
        guard let (body, signature) = Envelope.split(token, prefix: kind.prefix),
            let claims = try? JSONDecoder().decode(Claims.self, from: body), claims.v == 1
        else { return .failure(TicketRefusal(.malformed, "the \(kind.noun) cannot be read")) }
        guard let issuer = directory.node(claims.iss),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: issuer.ticketKey)
        else {
            return .failure(
                TicketRefusal(.unknownIssuer, "the \(kind.noun)'s issuer '\(claims.iss)' is not in this cluster"))
        }
        guard key.isValidSignature(signature, for: kind.domain + [UInt8](body)) else {
            return .failure(TicketRefusal(.forged, "the \(kind.noun)'s signature does not verify"))
        }
        guard claims.aud == me else { return .failure(TicketRefusal(.wrongServer, kind.wrongServer(claims.aud, me))) }
        let nowS = Int64(now().timeIntervalSince1970)
        guard nowS <= claims.exp + Self.skewS, claims.exp <= nowS + kind.lifetimeS + Self.skewS else {
            return .failure(TicketRefusal(.expired, kind.expired))
        }
        return .success(claims)
    }
}
