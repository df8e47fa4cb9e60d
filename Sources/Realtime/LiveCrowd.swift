import Foundation
import Synchronization
import Wire
import WorldModel

/// A crowd simulated inside a live space ("digital humans"), driven by that space's tick.
///
/// The tick hands it the real avatars as obstacles, advances it by one tick's time and shows its
/// agents to clients through the same interest-managed snapshots as avatars, flagged as simulated.
public protocol LiveCrowd: AnyObject, Sendable {
    var id: String { get }
    /// Advances by `seconds`, walking around the real avatars at `avatars` (metres).
    func advance(by seconds: Double, avatars: [(x: Double, y: Double)])
    /// Calls `body` with every agent: a stable id, position (metres) and heading (radians).
    func forEachAgent(_ body: (UInt32, Float, Float, Float) -> Void)
    /// Records a density frame; returns the crowd alerts raised by it, as sentences.
    func recordDensity() -> [String]
    /// True when nobody is left and nobody will come.
    var finished: Bool { get }
    /// Its state, for the server to revive it on the next node when the space moves (nil: it
    /// cannot move and ends with the space here). Called on the space's tick thread.
    func checkpoint() -> Data?
}

extension LiveCrowd {
    public func checkpoint() -> Data? { nil }
}

/// What the HTTP side asks of a space's live crowds.
enum CrowdControl: Sendable {
    case start(any LiveCrowd)
    case stop(String)
}

extension SpaceHandle {
    /// Starts a crowd in this space on its next tick.
    public func startCrowd(_ crowd: any LiveCrowd) {
        crowdControls.withLock { $0.append(.start(crowd)) }
    }

    /// Stops (removes) a crowd on the next tick.
    public func stopCrowd(id: String) {
        crowdControls.withLock { $0.append(.stop(id)) }
    }

    /// Ids of the crowds running here, as of the last tick.
    public var runningCrowds: [String] { crowdsRunning.withLock { $0 } }

    func takeCrowdControls() -> [CrowdControl] {
        crowdControls.withLock { controls in
            defer { controls.removeAll() }
            return controls
        }
    }
}
