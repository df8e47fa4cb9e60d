import ArgumentParser
import BitgoeulServer
import Foundation
import Hummingbird
import Logging
import Privacy
import Realtime
import WorldModel

/// `bitgoeul serve`: runs the server until interrupted.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the world over HTTP and WebSocket.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (default: $PORT, else 8080).") var port: Int?
    @Option(help: "Data directory for the SQLite database.") var data = "var"
    @Option(help: "Region directory with region.json; repeat for several.")
    var world: [String] = ["worlds/gwangju", "worlds/seoul"]
    @Option(help: "Static web client directory, served at /.") var web = "Web"
    @Option(help: "Administrative boundaries (GeoJSON) directory.") var boundaries = "worlds/boundaries"
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Option(help: "Threads writing snapshots for a busy space.") var tickWorkers = 2
    @Option(help: "OpenAI-compatible base URL (…/v1) of a model that phrases docent answers; off when absent.")
    var docentLlmUrl: String?
    @Option(help: "Model name for --docent-llm-url (its API key comes from $BITGOEUL_LLM_KEY).")
    var docentLlmModel = "gpt-4o-mini"
    @Option(help: "Privacy (ε) one hourly statistics release of a space spends.") var statsEpsilon = 0.5
    @Option(help: "Privacy (ε) one space may spend per day; later releases that day are refused.")
    var statsDailyEpsilon = 2.0
    @Option(help: "Noisy statistics below this are withheld.") var statsThreshold = 5.0

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var config = ServerConfig()
        config.host = host
        if let text = docentLlmUrl {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
                throw ValidationError("--docent-llm-url must be an http(s) URL")
            }
            config.docentLLM = LLMConfig(
                url: url, model: docentLlmModel, apiKey: ProcessInfo.processInfo.environment["BITGOEUL_LLM_KEY"])
        }
        let envPort = ProcessInfo.processInfo.environment["PORT"].flatMap(Int.init)
        config.port = port ?? envPort ?? 8080
        guard (0...65535).contains(config.port) else { throw ValidationError("--port must be within 0...65535") }
        config.dataDirectory = URL(fileURLWithPath: data)
        config.worldDirectories = world.map { URL(fileURLWithPath: $0) }
        config.webDirectory = URL(fileURLWithPath: web)
        config.boundariesDirectory = URL(fileURLWithPath: boundaries)
        guard (1...16).contains(tickWorkers) else { throw ValidationError("--tick-workers must be within 1...16") }
        config.realtime.tickWorkers = tickWorkers
        config.releasePolicy.epsilon = statsEpsilon
        config.releasePolicy.dailyCap = statsDailyEpsilon
        config.releasePolicy.threshold = statsThreshold
        if let problem = config.releasePolicy.problem { throw ValidationError("statistics: \(problem)") }
        let server: BitgoeulServer
        do {
            server = try BitgoeulServer(config: config, logger: Logger(label: "bitgoeul"))
        } catch let error as ManifestError {
            print("error: bad world manifest: \(error)")
            throw ExitCode(2)
        }
        let host = self.host
        let app = server.makeApplication { port in
            // Written directly so it shows at once even when stdout is a pipe.
            FileHandle.standardOutput.write(
                Data("Bitgoeul is serving the mirror world on http://\(host):\(port)/\n".utf8))
        }
        try await app.runService()
    }
}
