import Foundation
import Wire
import WorldModel

/// Measures the tick in process (movement, interest, encoding; no sockets) with random walkers.
///
/// The space is a square sized for one avatar per `areaPerAvatarM2`, everyone walks at 1.4 m/s
/// and turns at random, so every visible avatar changes every tick: the worst case for deltas.
public struct TickBenchmark: Sendable {
    public struct Result: Sendable, Codable {
        public var avatars: Int
        public var ticks: Int
        public var tick_p50_ms: Double
        public var tick_p99_ms: Double
        public var tick_max_ms: Double
        public var bytes_per_client_per_s: Double
        public var visible_per_client: Double
    }

    public var avatars: Int
    public var ticks: Int
    public var warmupTicks: Int = 20
    public var areaPerAvatarM2: Double = 100
    public var config = RealtimeConfig()
    /// Count visits for the hourly statistics, as a server does.
    public var countVisits = true

    public init(avatars: Int, ticks: Int) {
        self.avatars = avatars
        self.ticks = ticks
    }

    public func run() -> Result {
        let side = (Double(avatars) * areaPerAvatarM2).squareRoot()
        let space = Space(
            id: "bench/square", name: LocalizedText(ko: "벤치", en: "Bench"), kind: .outdoor,
            anchor: GeoAnchor(latitude: 35.147, longitude: 126.92),
            bounds: Bounds(minX: 0, minY: 0, maxX: side, maxY: side),
            spawns: [SpawnPoint(position: Point(side / 2, side / 2))], capacity: avatars)
        let directory = SpaceDirectory(spaces: [space])
        var config = self.config
        config.arrivalsPerTickMax = max(config.arrivalsPerTickMax, avatars)
        let board = SafetyBoard()
        let instance = SpaceInstance(
            handle: directory.ordered[0], directory: directory, config: config, board: board,
            visits: countVisits ? VisitOutbox() : nil)
        var rng = SplitMix64(seed: 42)
        if config.safety {
            // One in ten has blocked someone and one in ten has a friend: the sets are not all empty.
            for i in stride(from: 0, to: avatars, by: 10) {
                let other = Int64.random(in: 0..<Int64(avatars), using: &rng)
                board.update(Int64(i), other) { rules, peer in rules.hidden.insert(peer) }
                board.update(Int64(i + 5), Int64.random(in: 0..<Int64(avatars), using: &rng)) { rules, peer in
                    rules.friends.insert(peer)
                }
            }
        }
        var walkers: [(link: ClientLink, x: Float, y: Float, angle: Float)] = []
        for i in 0..<avatars {
            let link = ClientLink(
                walker: Walker(accountId: Int64(i), personaId: Int64(i), name: "bench-\(i)", appearance: .standard),
                sink: .count)
            let x = Float.random(in: 1..<Float(side - 1), using: &rng)
            let y = Float.random(in: 1..<Float(side - 1), using: &rng)
            instance.insert(link, at: Point(Double(x), Double(y)))
            walkers.append((link, x, y, Float.random(in: 0..<(2 * .pi), using: &rng)))
        }
        let step = config.walkSpeedMps * config.tickDurationS
        var seq: UInt32 = 0
        var durations: [Double] = []
        durations.reserveCapacity(ticks)
        var bytes = 0
        let limit = Float(side - 1)
        for t in 0..<(warmupTicks + ticks) {
            seq &+= 1
            for i in walkers.indices {
                if Float.random(in: 0..<1, using: &rng) < 0.02 {
                    walkers[i].angle = Float.random(in: 0..<(2 * .pi), using: &rng)
                }
                var x = walkers[i].x + step * cos(walkers[i].angle)
                var y = walkers[i].y + step * sin(walkers[i].angle)
                if x < 1 || x > limit || y < 1 || y > limit {
                    walkers[i].angle += .pi
                    x = min(max(x, 1), limit)
                    y = min(max(y, 1), limit)
                }
                walkers[i].x = x
                walkers[i].y = y
                walkers[i].link.post(
                    move: MoveIntent(seq: seq, x: x, y: y, z: 0, heading: walkers[i].angle, animation: .walk))
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let stats = instance.tick()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if t >= warmupTicks {
                durations.append(elapsed)
                bytes += stats.bytesSent
            }
        }
        durations.sort()
        let seconds = Double(ticks) / Double(config.tickHz)
        let visible = instance.members.reduce(0) { $0 + $1.seen.count }
        return Result(
            avatars: avatars, ticks: ticks, tick_p50_ms: percentile(durations, 0.50),
            tick_p99_ms: percentile(durations, 0.99),
            tick_max_ms: durations.last ?? 0, bytes_per_client_per_s: Double(bytes) / Double(avatars) / seconds,
            visible_per_client: Double(visible) / Double(max(1, avatars)))
    }
}
