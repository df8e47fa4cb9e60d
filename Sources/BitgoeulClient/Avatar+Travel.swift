import Foundation
import Wire

/// Visiting another city of a federation (docs/federation.md): a ticket from home
/// (`BitgoeulAPI.travelTicket`), then a connection there that says `visit` instead of `hello`.
extension Avatar {
    /// Connects to another city's `url` with a travel `ticket`; returns once the visitor is in the
    /// ticket's space (welcome, visiting, joined), or throws with the close code and reason (4012
    /// for a refused ticket).
    public static func visit(url: String, ticket: String, timeoutS: Double = 10) async throws -> Avatar {
        try await open(
            url: url, token: "", resilient: false, saying: .visit(version: WireFormat.version, ticket: ticket),
            timeoutS: timeoutS, waitingFor: "arrival"
        ) { $0.visiting != nil && $0.joins > 0 && $0.closed == nil }
    }
}
