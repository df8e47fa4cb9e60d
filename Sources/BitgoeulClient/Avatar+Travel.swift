import Foundation
import Wire

/// Visiting another city of a federation (docs/federation.md): a ticket from home
/// (`BitgoeulAPI.travelTicket`), then a connection there that says `visit` instead of `hello`.
extension Avatar {
    /// Connects to another city's `url` with a travel `ticket`; returns once the visitor is in the
    /// ticket's space (welcome, visiting, joined), or throws with the close code and reason (4012
    /// for a refused ticket).
    public static func visit(url: String, ticket: String, timeoutS: Double = 10) async throws -> Avatar {
        let avatar = Avatar(
            connection: try await RealtimeConnection.connect(url: url), url: url, token: "", resilient: false)
        avatar.listen(to: avatar.connection, generation: 0)
        avatar.connection.send(.visit(version: WireFormat.version, ticket: ticket))
        let arrived = await avatar.waitUntil(timeoutS: timeoutS) {
            ($0.visiting != nil && $0.joins > 0) || $0.closed != nil
        }
        guard arrived, avatar.snapshot.closed == nil else {
            let closed = avatar.snapshot.closed
            throw ConnectFailure(code: closed?.code, reason: closed?.reason ?? "not in within \(timeoutS) s")
        }
        return avatar
    }
}
