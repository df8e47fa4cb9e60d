import Federation
import Foundation
import Logging
import NIOHTTP1
import ServiceLifecycle

/// Asks each peer city for its `/.well-known/bitgoeul` every `PeerWatch.periodS` (all at once, each
/// within `PeerWatch.timeoutS`), so portals and menus know who is up and the ticket endpoint sends
/// nobody to a peer that is down or shows a key that is not pinned. It never touches a tick.
struct PeerWatchService: Service {
    let federation: FederationNode
    let clock: @Sendable () -> Date
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await round()
                try? await Task.sleep(for: .seconds(PeerWatch.periodS))
            }
        }
    }

    func round() async {
        await Self.round(federation: federation, now: clock, logger: logger)
    }

    /// Asks every peer at once (each round, and after the peers file is read again).
    static func round(federation: FederationNode, now clock: @escaping @Sendable () -> Date, logger: Logger) async {
        let peers = federation.tickets.peers.peers
        federation.watch.keep(only: Set(peers.keys))
        await withTaskGroup(of: Void.self) { group in
            for peer in peers.values {
                group.addTask { await look(at: peer, federation: federation, now: clock, logger: logger) }
            }
        }
    }

    /// Asks one peer now and records what it showed; the status, too, is returned.
    @discardableResult
    static func look(at peer: Peer, federation: FederationNode, now clock: () -> Date, logger: Logger) async
        -> PeerStatus
    {
        let answer = try? await NodeHTTP.exchange(
            .GET, base: peer.url, path: "/.well-known/bitgoeul", timeoutS: PeerWatch.timeoutS,
            responseBytesMax: PeerWatch.documentBytesMax)
        let document = answer.flatMap { $0.status == 200 ? $0.body : nil }
        let status = PeerStatus.check(document, of: peer, now: clock())
        let before = federation.watch.status(of: peer.id).state
        federation.watch.record(status, of: peer.id)
        guard status.state != before else { return status }
        let metadata: Logger.Metadata = ["city": "\(peer.id)", "state": "\(status.state.rawValue)"]
        if status.state == .keyMismatch || status.state == .wrongId {
            logger.error("a peer city is not who its pin says; nobody is sent there", metadata: metadata)
        } else {
            logger.info("a peer city's state changed", metadata: metadata)
        }
        return status
    }
}
