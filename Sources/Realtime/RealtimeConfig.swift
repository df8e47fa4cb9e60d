/// Limits and rates of the real-time layer; every number here is a stated bound.
public struct RealtimeConfig: Sendable, Hashable {
    /// Ticks per second.
    public var tickHz: Int = 20
    /// Interest radius (metres) and the most avatars a client receives per snapshot, nearest first.
    public var aoiRadiusM: Float = 60
    public var aoiMax: Int = 64
    /// Proximity chat reaches this far (metres).
    public var proximityChatM: Float = 20
    /// Speed limits (m/s) by animation state, and the tolerance factor on top.
    public var walkSpeedMps: Float = 1.4
    public var runSpeedMps: Float = 4.0
    public var speedTolerance: Float = 1.1
    /// Movement budget an avatar may save up, in seconds of its speed limit (absorbs network jitter).
    public var moveBurstS: Float = 0.25
    /// Avatars keep this far from obstacle edges (metres).
    public var avatarRadiusM: Float = 0.25
    /// Frames waiting to be written per connection; past this the client is resynchronised.
    public var outboxFramesMax: Int = 8
    /// Commands (chat, teleport, presence) queued per connection per tick; more are refused.
    public var commandsPerTickMax: Int = 8
    /// New arrivals admitted per space per tick; the rest wait for the next tick.
    public var arrivalsPerTickMax: Int = 100
    /// Bytes of chat and other events queued for one client in one tick; past it events are dropped.
    public var eventBytesPerTickMax: Int = 32 * 1024
    /// Threads that write snapshots in parallel for a busy space (the machine has 2 cores).
    public var tickWorkers: Int = 2
    /// Safety rules in the tick: personal boundary, blocks, mutes and the evidence buffer.
    public var safety = true
    /// Personal boundary around each avatar (metres): two people keep twice this apart.
    public var boundaryRadiusM: Float = 0.6
    /// Seconds of chat and positions a space remembers for reports, and the radius of the
    /// reporter's view (metres).
    public var evidenceWindowS = 120
    public var evidenceNearM: Float = 15
    /// Seed for spawn jitter, so tests are deterministic.
    public var seed: UInt64 = 0x5EED

    public init() {}

    public var tickDurationS: Float { 1 / Float(tickHz) }
}
