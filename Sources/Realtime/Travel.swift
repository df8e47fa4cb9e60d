import Foundation
import WorldModel

/// A visitor from another city, as their travel ticket names them here (docs/federation.md): by a
/// pseudonym that city made for this one, and nothing that leads back to their home account.
public struct VisitorPass: Hashable, Sendable {
    /// The home city's server id, its name as this city's peers file gives it, and its base URL.
    public var city: String
    public var cityName: String
    public var cityURL: String
    /// Who the traveller is here, and only here.
    public var pseudonym: String
    public var name: String
    public var appearance: Appearance
    public var space: String
    /// The ticket's nonce and expiry, for a cluster-wide check that it is used once.
    public var nonce: String
    public var expiresAt: Date
    /// Pseudonyms (here) of the people the traveller blocks at home, when they chose to bring them.
    public var blocks: [String]

    public init(
        city: String, cityName: String, cityURL: String, pseudonym: String, name: String, appearance: Appearance,
        space: String, nonce: String, expiresAt: Date, blocks: [String] = []
    ) {
        self.city = city
        self.cityName = cityName
        self.cityURL = cityURL
        self.pseudonym = pseudonym
        self.name = name
        self.appearance = appearance
        self.space = space
        self.nonce = nonce
        self.expiresAt = expiresAt
        self.blocks = blocks
    }
}

/// Checks the travel tickets of visitors from peer cities. A server outside a federation has none.
public protocol TravelDesk: Sendable {
    /// The visitor a ticket admits, or the close reason why not (the refusal is logged, without
    /// anything personal).
    func admit(_ ticket: String) -> Result<VisitorPass, VisitRefusal>
}

/// Why a visitor's ticket was refused; `description` is the close reason the client sees.
public struct VisitRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
