import Clocks
import NIOCore
import Realtime
import Synchronization
import Wire

/// Moves read on the socket's thread, straight into the space's inbox.
///
/// Nine messages in ten from a walking client are moves, twenty a second. Sent through the
/// connection's task, each one cost a task wake-up and an async hop; here a frame that holds one
/// move is decoded, checked against the connection's move bucket and the coordinate limit, and
/// posted to the link where it arrives. Anything else — another message, a move refused by the
/// bucket or the limit, a connection not in a space — goes the usual way, to the state machine,
/// which applies the same checks through the same `admit` and answers them.
public final class MoveShortcut: Sendable {
    public enum Verdict: Equatable, Sendable {
        case posted
        /// Over the move rate; `countsAsViolation` for every tenth such move.
        case dropped(countsAsViolation: Bool)
        case outOfRange
    }

    private struct State {
        var link: ClientLink?
        var bucket: TokenBucket
        var dropped = 0
    }

    /// Coordinates beyond this (metres, either sign) are refused.
    public static let coordinateLimitM: Float = 1_000_000
    private let state: Mutex<State>
    private let clock: ServiceClock

    init(limits: ConnectionLimits, clock: ServiceClock) {
        self.clock = clock
        state = Mutex(
            State(bucket: TokenBucket(ratePerS: limits.movesPerS, burst: limits.movesBurst, nowS: clock.monotonicS())))
    }

    /// The link moves go to while the connection is in a space (nil between spaces).
    func walk(in link: ClientLink?) {
        state.withLock { $0.link = link }
    }

    /// Checks a move against the limit and the bucket and posts it to `link`: the state machine's
    /// way, for moves the socket's thread left to it.
    func admit(_ intent: MoveIntent, to link: ClientLink) -> Verdict {
        guard Self.inRange(intent) else { return .outOfRange }
        let nowS = clock.monotonicS()
        return state.withLock { s in
            guard s.bucket.take(nowS: nowS) else {
                // Moves are state: extra ones are dropped. A stalled network delivers a burst of
                // them at once, so only every tenth dropped move counts towards the flood limit.
                s.dropped += 1
                return .dropped(countsAsViolation: s.dropped % 10 == 0)
            }
            link.post(move: intent)
            return .posted
        }
    }

    /// Called on the socket's thread with a whole binary message: true when it was one move, in
    /// range and within the rate, and is posted to the space; false leaves it to the state machine.
    public func take(_ message: ByteBuffer) -> Bool {
        guard let intent = Self.singleMove(in: message), Self.inRange(intent) else { return false }
        let nowS = clock.monotonicS()
        return state.withLock { s in
            guard let link = s.link, !link.isClosed, s.bucket.take(nowS: nowS) else { return false }
            link.post(move: intent)
            return true
        }
    }

    static func inRange(_ intent: MoveIntent) -> Bool {
        abs(intent.x) < coordinateLimitM && abs(intent.y) < coordinateLimitM && abs(intent.z) < coordinateLimitM
    }

    /// The move in `message` when it holds exactly one message and that is a move.
    static func singleMove(in message: ByteBuffer) -> MoveIntent? {
        var rest = message
        guard let type = rest.readInteger(as: UInt8.self), type == MessageType.move.rawValue,
            let length = rest.readInteger(endianness: .little, as: UInt16.self), Int(length) == rest.readableBytes,
            var payload = rest.readSlice(length: Int(length)),
            case .move(let intent)? = try? ClientMessage.decode(type: type, payload: &payload)
        else { return nil }
        return intent
    }
}
