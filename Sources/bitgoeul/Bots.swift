import ArgumentParser
import BitgoeulClient
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `bitgoeul bots`: a swarm of guest bots against a running server, with the server's tick figures.
struct Bots: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect N walking bots to a server and report received rate, latency and errors.")

    @Option(help: "Server, e.g. ws://127.0.0.1:8080") var url = "ws://127.0.0.1:8080"
    @Option(help: "Space id to join.") var space = "gwangju/acc-plaza"
    @Option(help: "Number of bots (1...5000).") var count = 100
    @Option(help: "Seconds to walk after all have connected.") var duration = 60.0
    @Option(help: "Movement messages per bot per second.") var rate = 20.0
    @Option(help: "New connections per second while ramping up.") var connectRate = 200.0
    @Flag(help: "Print the report as one JSON object.") var json = false
    @Option(help: "The server's process id, to report its CPU time per client-second (Linux, same machine).")
    var serverPid: Int32?

    func run() async throws {
        guard (1...5000).contains(count) else { throw ValidationError("--count must be within 1...5000") }
        guard (1...3600).contains(duration) else { throw ValidationError("--duration must be within 1...3600 s") }
        guard (0.1...60).contains(rate) else { throw ValidationError("--rate must be within 0.1...60 Hz") }
        guard var base = URLComponents(string: url), let host = base.host, let scheme = base.scheme,
            ["ws", "wss"].contains(scheme)
        else { throw ValidationError("--url looks like ws://HOST:PORT") }
        base.path = "/api/v1/connect"
        let connectURL = base.string!
        let metricsURL = URL(string: "\(scheme == "wss" ? "https" : "http")://\(host):\(base.port ?? 80)/metrics")!

        let before = await TickHistogram.scrape(metricsURL, space: space)
        var swarm = BotSwarm(url: connectURL, space: space, count: count, durationS: duration)
        swarm.rateHz = rate
        swarm.connectsPerS = connectRate
        if let serverPid {
            guard ProcessCPU.seconds(of: serverPid) != nil else {
                throw ValidationError("--server-pid \(serverPid): no readable /proc/\(serverPid)/stat")
            }
            swarm.serverCPUSeconds = { ProcessCPU.seconds(of: serverPid) }
        }
        let report = await swarm.run { line in if !json { print(line) } }
        let after = await TickHistogram.scrape(metricsURL, space: space)
        let tick = after.map { a in before.map { a.minus($0) } ?? a }

        if json {
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as! [String: Any]
            object["server_tick_p50_ms_le"] = tick?.quantileUpperBoundMs(0.5)
            object["server_tick_p99_ms_le"] = tick?.quantileUpperBoundMs(0.99)
            print(
                String(
                    decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
            )
        } else {
            print(
                "bots joined        \(report.bots_joined)/\(report.bots_requested) (connect failures \(report.connect_failures))"
            )
            print(
                String(
                    format: "received           %.1f snapshots/s per bot, %.0f bytes/s per bot",
                    report.snapshots_per_bot_per_s, report.bytes_per_bot_per_s))
            print(
                String(
                    format: "move→ack latency   p50 %.1f ms, p99 %.1f ms", report.latency_p50_ms, report.latency_p99_ms)
            )
            if let cpu = report.server_cpu_us_per_client_s {
                print(String(format: "server CPU         %.0f µs per client-second", cpu))
            }
            print("errors             \(report.errors) error messages, \(report.unexpected_closes) unexpected closes")
            if let tick {
                print(
                    "server tick        p50 ≤ \(tick.quantileUpperBoundMs(0.5)) ms, p99 ≤ \(tick.quantileUpperBoundMs(0.99)) ms (\(tick.count) ticks, Prometheus buckets)"
                )
            } else {
                print("server tick        (no /metrics figures for \(space))")
            }
        }
    }
}

/// The server's tick-duration histogram for one space, read from `/metrics`.
struct TickHistogram {
    var buckets: [(le: Double, count: Double)]
    var count: Double

    static func scrape(_ url: URL, space: String) async -> TickHistogram? {
        guard let (data, _) = try? await URLSession.shared.data(from: url) else { return nil }
        var buckets: [(Double, Double)] = []
        var total = 0.0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix("bitgoeul_tick_duration_seconds") && line.contains("space=\"\(space)\"") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let value = Double(parts[parts.count - 1]) else { continue }
            if line.hasPrefix("bitgoeul_tick_duration_seconds_bucket"), let le = line.range(of: "le=\"") {
                let rest = line[le.upperBound...]
                let bound = rest.prefix { $0 != "\"" }
                buckets.append((bound == "+Inf" ? .infinity : Double(bound) ?? .infinity, value))
            } else if line.hasPrefix("bitgoeul_tick_duration_seconds_count") {
                total = value
            }
        }
        return buckets.isEmpty ? nil : TickHistogram(buckets: buckets.sorted { $0.0 < $1.0 }, count: total)
    }

    func minus(_ other: TickHistogram) -> TickHistogram {
        var out = self
        for i in out.buckets.indices {
            if let o = other.buckets.first(where: { $0.le == out.buckets[i].le }) { out.buckets[i].count -= o.count }
        }
        out.count -= other.count
        return out
    }

    /// The upper bound (ms) of the bucket holding the `p` quantile.
    func quantileUpperBoundMs(_ p: Double) -> Double {
        let target = p * count
        for b in buckets where b.count >= target { return b.le * 1000 }
        return .infinity
    }
}

/// A process's CPU time from `/proc/PID/stat`.
enum ProcessCPU {
    /// User plus system seconds, or nil when the file cannot be read.
    static func seconds(of pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
