import Foundation
import NIOCore
import Synchronization
import Wire
import WorldModel

/// Guest bots that join a space and walk at random, measuring what a real client would see.
public struct BotSwarm: Sendable {
    public struct Report: Sendable, Codable {
        public var bots_requested: Int
        public var bots_joined: Int
        public var duration_s: Double
        public var snapshots_per_bot_per_s: Double
        public var bytes_per_bot_per_s: Double
        public var latency_p50_ms: Double
        public var latency_p99_ms: Double
        public var errors: Int
        public var connect_failures: Int
        public var unexpected_closes: Int
        /// The server's CPU time per connected bot per second of walking, in µs (with a CPU meter).
        public var server_cpu_us_per_client_s: Double?
    }

    public var url: String
    public var space: String
    public var count: Int
    public var durationS: Double
    public var rateHz: Double = 20
    public var connectsPerS: Double = 200
    public var seed: UInt64 = 1
    /// Reads the server's CPU seconds so far (user + system), when it runs on this machine.
    public var serverCPUSeconds: (@Sendable () -> Double?)?

    public init(url: String, space: String, count: Int, durationS: Double) {
        self.url = url
        self.space = space
        self.count = count
        self.durationS = durationS
    }

    /// One bot's counters, written by its receive task.
    final class Bot: Sendable {
        let connection: RealtimeConnection
        let stats = Mutex(Stats())

        struct Stats {
            var joined = false
            var x: Float = 0
            var y: Float = 0
            var lastAck: UInt32 = 0
            var sendTimes = [Double](repeating: 0, count: 128)
            var latenciesMs: [Double] = []
            var snapshots = 0
            var errors = 0
            var closedUnexpectedly = false
        }

        init(connection: RealtimeConnection) { self.connection = connection }
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) async -> Report {
        var bots: [Bot] = []
        var connectFailures = 0
        let connectInterval = 1 / max(1, connectsPerS)
        for i in 0..<count {
            do {
                let connection = try await RealtimeConnection.connect(url: url, decode: false)
                let bot = Bot(connection: connection)
                listen(bot)
                connection.send([
                    .hello(version: WireFormat.version, token: ""),
                    .joinGuest(
                        space: space, name: "bot-\(i)",
                        appearance: Appearance(primaryColor: UInt32(truncatingIfNeeded: i &* 2_654_435) & 0xFFFFFF)),
                ])
                bots.append(bot)
            } catch {
                connectFailures += 1
            }
            if i % 100 == 99 { progress?("connected \(i + 1)/\(count)") }
            try? await Task.sleep(for: .seconds(connectInterval))
        }
        // Give the last arrivals a moment to be admitted.
        try? await Task.sleep(for: .seconds(1))
        let joined = bots.filter { $0.stats.withLock { $0.joined } }
        for bot in bots {
            bot.stats.withLock {
                $0.latenciesMs.removeAll(); $0.snapshots = 0
            }
        }
        let bytesBefore = bots.reduce(0) { $0 + $1.connection.bytesReceived }
        let cpuBefore = serverCPUSeconds?()
        let start = Date()
        var rng = SplitMix64(seed: seed)
        var seq: UInt32 = 0
        var angles = (0..<bots.count).map { _ in Float.random(in: 0..<1, using: &rng) * 2 * .pi }
        let period = 1 / rateHz
        var next = Date()
        while Date().timeIntervalSince(start) < durationS {
            seq &+= 1
            let now = Date().timeIntervalSince1970 * 1000
            let step = Float(1.4 * period)
            for (i, bot) in bots.enumerated() {
                if Double.random(in: 0..<1, using: &rng) < 0.02 {
                    angles[i] = Float.random(in: 0..<1, using: &rng) * 2 * .pi
                }
                let target: (Float, Float)? = bot.stats.withLock { s in
                    guard s.joined else { return nil }
                    s.sendTimes[Int(seq % 128)] = now
                    return (s.x + step * cos(angles[i]), s.y + step * sin(angles[i]))
                }
                guard let target else { continue }
                bot.connection.send(
                    .move(MoveIntent(seq: seq, x: target.0, y: target.1, z: 0, heading: angles[i], animation: .walk)))
            }
            next = next.addingTimeInterval(period)
            let wait = next.timeIntervalSinceNow
            if wait > 0 { try? await Task.sleep(for: .seconds(wait)) } else { next = Date() }
        }
        let elapsed = Date().timeIntervalSince(start)
        let cpuAfter = serverCPUSeconds?()
        let bytes = bots.reduce(0) { $0 + $1.connection.bytesReceived } - bytesBefore
        var latencies: [Double] = []
        var snapshots = 0
        var errors = 0
        var closes = 0
        for bot in bots {
            bot.stats.withLock { s in
                latencies += s.latenciesMs
                snapshots += s.snapshots
                errors += s.errors
                if s.closedUnexpectedly { closes += 1 }
            }
            bot.connection.close()
        }
        latencies.sort()
        let n = Double(max(1, joined.count))
        return Report(
            bots_requested: count, bots_joined: joined.count, duration_s: elapsed,
            snapshots_per_bot_per_s: Double(snapshots) / n / elapsed, bytes_per_bot_per_s: Double(bytes) / n / elapsed,
            latency_p50_ms: percentile(latencies, 0.5), latency_p99_ms: percentile(latencies, 0.99), errors: errors,
            connect_failures: connectFailures, unexpected_closes: closes,
            server_cpu_us_per_client_s: cpuBefore.flatMap { before in
                cpuAfter.map { ($0 - before) * 1e6 / n / elapsed }
            })
    }

    private func listen(_ bot: Bot) {
        Task {
            for await event in bot.connection.events {
                switch event {
                case .frame(let frame):
                    bot.stats.withLock { s in Self.account(frame, into: &s) }
                case .closed(let code, _):
                    if code != CloseCode.normal { bot.stats.withLock { $0.closedUnexpectedly = true } }
                case .undecodable, .message:
                    bot.stats.withLock { $0.errors += 1 }
                }
            }
        }
    }

    /// Reads what a bot measures from a frame, decoding only `joined` and snapshot headers.
    private static func account(_ frame: ByteBuffer, into s: inout Bot.Stats) {
        do throws(WireError) {
            try Frame.forEachMessage(in: frame, messagesMax: 1024) { (type, payload) throws(WireError) in
                switch MessageType(rawValue: type) {
                case .joined:
                    if case .joined(let info) = try ServerMessage.decode(type: type, payload: &payload) {
                        s.joined = true
                        s.x = info.x
                        s.y = info.y
                    }
                case .snapshot:
                    guard let header = SnapshotLayout.peekHeader(payload) else {
                        s.errors += 1
                        return
                    }
                    s.snapshots += 1
                    s.x = header.selfX
                    s.y = header.selfY
                    if header.ackSeq != s.lastAck {
                        s.lastAck = header.ackSeq
                        let sent = s.sendTimes[Int(header.ackSeq % 128)]
                        if sent > 0, s.latenciesMs.count < 100_000 {
                            s.latenciesMs.append(Date().timeIntervalSince1970 * 1000 - sent)
                        }
                    }
                case .error:
                    s.errors += 1
                default:
                    break
                }
            }
        } catch {
            s.errors += 1
        }
    }
}
