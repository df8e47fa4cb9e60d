import Envelopes
import Foundation
import WorldModel

/// `GET /.well-known/bitgoeul`: what a city publishes for its peers and their operators.
public struct WellKnown: Codable, Sendable, Equatable {
    public struct Key: Codable, Sendable, Equatable {
        /// base64url of the 32-byte Ed25519 public key.
        public var key: String
        public var validFrom: Int64
        /// Absent for the current key.
        public var validUntil: Int64?
    }

    /// A space that takes visitors, with its name for travellers' menus.
    public struct EntryPoint: Codable, Sendable, Equatable {
        public var id: String
        public var name: LocalizedText

        public init(id: String, name: LocalizedText) {
            self.id = id
            self.name = name
        }
    }

    /// Where the city is (its first space's anchor), for maps of the federation.
    public struct Place: Codable, Sendable, Equatable {
        public var latitude: Double
        public var longitude: Double

        public init(latitude: Double, longitude: Double) {
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    public var id: String
    public var name: String
    public var protocolVersion: Int
    /// This server's clock (seconds since 1970), so operators can see a skew between cities.
    public var time: Int64
    public var keys: [Key]
    /// Spaces that take visitors from other cities.
    public var entryPoints: [EntryPoint]
    public var place: Place?

    public init(
        identity: ServerIdentity, protocolVersion: Int, entryPoints: [EntryPoint], place: Place?, now: Date
    ) {
        self.place = place
        id = identity.id
        name = identity.name
        self.protocolVersion = protocolVersion
        time = Int64(now.timeIntervalSince1970)
        keys = identity.keys.map {
            Key(key: Base64URL.encode($0.publicKey), validFrom: $0.validFrom, validUntil: $0.validUntil)
        }
        self.entryPoints = entryPoints
    }
}
