import Foundation

extension BitgoeulAPI {
    /// A ticket to a space of a peer city, from this (home) city, and where to use it.
    public struct TravelTicket: Decodable, Sendable {
        public let city: String
        /// The city's WebSocket URL (`Avatar.visit`), and its web page for a browser.
        public let url: String
        public let page: String
        public let ticket: String
        public let space: String
        public let expiresAt: Int64
    }

    /// `POST /api/v1/travel/tickets` for one of the signed-in account's personas.
    public func travelTicket(
        personaId: Int64, city: String, space: String, lang: String = "ko", bringBlocks: Bool = false
    ) async throws -> TravelTicket {
        struct Ask: Encodable {
            let personaId: Int64
            let city: String
            let space: String
            let lang: String
            let bringBlocks: Bool
        }
        let ask = Ask(personaId: personaId, city: city, space: space, lang: lang, bringBlocks: bringBlocks)
        return try JSONDecoder().decode(
            TravelTicket.self, from: try await call("POST", "/api/v1/travel/tickets", body: ask))
    }
}
