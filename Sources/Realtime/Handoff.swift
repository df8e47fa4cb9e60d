import Foundation
import Wire
import WorldModel

/// What a handoff ticket carries from one server to another: who, where to, and until when.
///
/// The same claims carry a person between two nodes of one cluster and, later, between two
/// cities' servers (where `account` is replaced by a pseudonym): the format names issuer and
/// audience, never a shared secret.
public struct HandoffClaims: Codable, Hashable, Sendable {
    /// The claims' format (1).
    public var v = 1
    /// The server that issued the ticket.
    public var iss: String
    /// The only server that may accept it.
    public var aud: String
    /// Unique id; a ticket is accepted once.
    public var jti: String
    /// Seconds since 1970 after which it is refused.
    public var exp: Int64
    /// The space to enter, at one of its spawn points.
    public var space: String
    /// The signed-in account and persona, or nil for a guest.
    public var account: Int64?
    public var persona: Int64?
    /// A guest's name and look.
    public var guestName: String?
    public var appearance: Appearance?
    /// The personal boundary setting, kept across the move.
    public var boundary: UInt8

    public init(
        iss: String, aud: String, jti: String, exp: Int64, space: String, account: Int64?, persona: Int64?,
        guestName: String?, appearance: Appearance?, boundary: BoundaryMode
    ) {
        self.iss = iss
        self.aud = aud
        self.jti = jti
        self.exp = exp
        self.space = space
        self.account = account
        self.persona = persona
        self.guestName = guestName
        self.appearance = appearance
        self.boundary = boundary.rawValue
    }
}

/// Who is being handed over, as the server knows them.
public struct HandoffPassenger: Hashable, Sendable {
    public var account: Int64?
    public var persona: Int64?
    public var guestName: String?
    public var appearance: Appearance?
    public var boundary: BoundaryMode

    public init(walker: Walker, boundary: BoundaryMode) {
        account = walker.accountId
        persona = walker.personaId
        guestName = walker.isGuest ? walker.name : nil
        appearance = walker.isGuest ? walker.appearance : nil
        self.boundary = boundary
    }
}

/// Where to reconnect, with the ticket to present there.
public struct Redirect: Hashable, Sendable {
    /// The other server's WebSocket URL.
    public var url: String
    public var ticket: String
    public var space: String

    public init(url: String, ticket: String, space: String) {
        self.url = url
        self.ticket = ticket
        self.space = space
    }
}

/// Why a ticket was refused; the text is the close reason the client sees.
public struct TicketRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case malformed, forged, expired, wrongServer, unknownIssuer, replayed
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// Hands people to the server that serves a space, and accepts those handed here. A single
/// server has none.
public protocol Handoffs: Sendable {
    /// A redirect to the server that serves `space` now, or nil when no other server does (it is
    /// moving, or nobody serves it).
    func redirect(to space: String, carrying passenger: HandoffPassenger) -> Redirect?
    /// The claims of a ticket for this server, or why it is refused. Whether it was used before is
    /// the caller's to check (against the store, once).
    func verify(_ ticket: String) -> Result<HandoffClaims, TicketRefusal>
}
