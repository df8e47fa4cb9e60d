import Envelopes
import Foundation
import Synchronization

/// What this city last learned of a peer from its `/.well-known/bitgoeul`: whether it answers,
/// whether it is who the peers file says (its id and a pinned key), and its name, place and entry
/// points for travellers' maps and menus.
public struct PeerStatus: Sendable, Equatable, Encodable {
    public enum State: String, Sendable, Encodable {
        /// Not asked yet.
        case unknown
        case up
        /// It did not answer in time, or answered with an error or something unreadable.
        case down
        /// It answered as another server id than the peers file gives.
        case wrongId
        /// Its current key is not one pinned for it: it may not be who it claims. Nobody is sent there.
        case keyMismatch
    }

    public var state: State
    public var name: String?
    public var place: WellKnown.Place?
    public var entryPoints: [WellKnown.EntryPoint]
    /// When it was last asked (seconds since 1970), and its clock minus ours then.
    public var checkedAt: Int64?
    public var skewS: Int64?

    public init(
        state: State, name: String? = nil, place: WellKnown.Place? = nil, entryPoints: [WellKnown.EntryPoint],
        checkedAt: Int64? = nil, skewS: Int64? = nil
    ) {
        self.state = state
        self.name = name
        self.place = place
        self.entryPoints = entryPoints
        self.checkedAt = checkedAt
        self.skewS = skewS
    }

    public static let unknown = PeerStatus(state: .unknown, entryPoints: [])

    /// Whether this city sends travellers there now: not while it is down or not who it should be.
    public var takesTravellers: Bool { state == .unknown || state == .up }

    /// The status a well-known document shows (or nil: the peer did not answer, or not with 200).
    public static func check(_ document: Data?, of peer: Peer, now: Date) -> PeerStatus {
        let nowS = Int64(now.timeIntervalSince1970)
        var status = PeerStatus(state: .down, entryPoints: [], checkedAt: nowS)
        guard let document, let known = try? JSONDecoder().decode(WellKnown.self, from: document) else { return status }
        status.skewS = known.time - nowS
        guard known.id == peer.id else {
            status.state = .wrongId
            return status
        }
        let current = known.keys.first { $0.validUntil == nil }.flatMap { Base64URL.decode($0.key) }
        guard let current, peer.keys.contains(current) else {
            status.state = .keyMismatch
            return status
        }
        status.state = .up
        status.name = String(known.name.prefix(80))
        status.place = known.place
        status.entryPoints = Array(known.entryPoints.prefix(256))
        return status
    }
}

/// The peers' last statuses (`PeerStatus.check`), kept by the server's periodic look at each peer.
public final class PeerWatch: Sendable {
    /// How often each peer is asked, and how long an answer may take.
    public static let periodS = 30.0
    public static let timeoutS = 3.0
    /// The most a well-known document may be.
    public static let documentBytesMax = 256 * 1024

    private let statuses = Mutex<[String: PeerStatus]>([:])

    public init() {}

    public func status(of peer: String) -> PeerStatus {
        statuses.withLock { $0[peer] } ?? .unknown
    }

    public func record(_ status: PeerStatus, of peer: String) {
        statuses.withLock { $0[peer] = status }
    }

    /// Forgets peers no longer listed.
    public func keep(only peers: Set<String>) {
        statuses.withLock { $0 = $0.filter { peers.contains($0.key) } }
    }
}
