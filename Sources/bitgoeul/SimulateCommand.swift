import ArgumentParser
import Foundation
import Simulation
import WorldModel

/// `bitgoeul simulate SCENARIO.toml --out DIR`: runs a crowd scenario and writes its results.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a crowd scenario (TOML): summary.json, density.csv and heatmap.svg in --out.")

    @Argument(help: "The scenario file.") var scenario: String
    @Option(help: "Directory for the results (created if missing).") var out: String
    @Option(help: "World directories for scenarios that name a space.") var world: [String] = [
        "worlds/gwangju", "worlds/seoul",
    ]
    @Option(help: "Worker threads.") var workers = 2
    @Option(help: "Also write the starting agents as CSV here (to run the same crowd elsewhere).")
    var agentsCSV: String?
    @Option(help: "Override the scenario's seed.") var seed: UInt64?
    @Flag(help: "No progress bar.") var quiet = false

    func run() throws {
        guard (1...16).contains(workers) else { throw ValidationError("--workers must be within 1...16") }
        let file = URL(fileURLWithPath: scenario)
        var spaces: [String: Space] = [:]
        if (try? String(contentsOf: file, encoding: .utf8))?.contains("space") == true {
            let dirs = world.map { URL(fileURLWithPath: $0) }.filter { FileManager.default.fileExists(atPath: $0.path) }
            for space in try ManifestLoader.loadWorld(directories: dirs).spaces { spaces[space.id] = space }
        }
        do {
            var loaded = try Scenario.load(file: file, spaces: spaces)
            if let seed { loaded.seed = seed }
            let simulation = try CrowdSimulation(scenario: loaded, file: file.lastPathComponent, workers: workers)
            if let agentsCSV {
                try Data(simulation.agentsCSV().utf8).write(to: URL(fileURLWithPath: agentsCSV), options: .atomic)
            }
            var lastShown = -1
            let (summary, density) = simulation.run { fraction, inside in
                let percent = Int(fraction * 100)
                guard !quiet, percent != lastShown else { return }
                lastShown = percent
                let bar = String(repeating: "█", count: percent / 4) + String(repeating: "·", count: 25 - percent / 4)
                FileHandle.standardError.write(Data("\r\(bar) \(percent)% of max_time, \(inside) inside ".utf8))
            }
            if !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
            try RunOutput.write(summary: summary, density: density, scenario: loaded, to: URL(fileURLWithPath: out))
            let evacuation = summary.evacuation_time_s.map { String(format: "%.1f s", $0) } ?? "not finished"
            print(
                "\(summary.agents) agents, \(summary.exited) out, evacuation \(evacuation), "
                    + String(
                        format: "%.0f agent-steps/s, peak %.2f persons/m², ", summary.agent_steps_per_s,
                        summary.max_density_ppm2)
                    + "\(summary.alerts.count) alerts → \(out)")
        } catch let error as ScenarioError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
