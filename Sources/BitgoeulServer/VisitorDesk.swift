import Federation
import Foundation
import Logging
import Realtime

/// The city's federation as the real-time session's `TravelDesk`: a visitor's ticket checked
/// (`TravelTickets.verify`) and turned into a pass. A refusal is logged with its kind, never the
/// traveller.
struct VisitorDesk: TravelDesk {
    let federation: FederationNode
    let logger: Logger

    func admit(_ ticket: String) -> Result<VisitorPass, VisitRefusal> {
        switch federation.tickets.verify(ticket) {
        case .failure(let refusal):
            logger.notice("travel ticket refused", metadata: ["kind": "\(refusal.kind.rawValue)"])
            return .failure(VisitRefusal(refusal.description))
        case .success(let claims):
            // verify() found the peer; it may have been removed since, in which case the ticket is refused.
            guard let peer = federation.tickets.peers[claims.iss] else {
                return .failure(VisitRefusal("'\(claims.iss)' is not a city this one federates with"))
            }
            return .success(
                VisitorPass(
                    city: peer.id, cityName: peer.name, cityURL: peer.url, pseudonym: claims.sub, name: claims.name,
                    appearance: claims.appearance, space: claims.space, nonce: claims.nonce,
                    expiresAt: Date(timeIntervalSince1970: Double(claims.exp)), blocks: claims.blocks ?? []))
        }
    }
}
