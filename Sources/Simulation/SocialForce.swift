import Foundation
import WorldModel

/// The social force model (Helbing & Molnár 1995) as JuPedSim implements it: each agent has a
/// velocity, accelerated towards its route at its desired speed with relaxation time τ, and pushed
/// by exponential forces from neighbours and walls, plus body force and sliding friction on contact.
public struct SocialForceParameters: Sendable, Hashable {
    /// kg, s, N, m: JuPedSim's defaults.
    public var mass = 80.0
    public var reactionTime = 0.5
    public var agentScale = 2000.0
    public var obstacleScale = 2000.0
    public var forceDistance = 0.08
    public var bodyForce = 120_000.0
    public var friction = 240_000.0
    public static let cutOffM = 2.5
    public init() {}
}
