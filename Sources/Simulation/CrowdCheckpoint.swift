import WorldModel

/// A running crowd's whole state, so another node can carry on with it where this one stopped:
/// the same agents, the same random stream, the same clock. The scenario itself travels as its
/// text and is read again there (its routing fields are rebuilt, not copied).
public struct CrowdCheckpoint: Codable, Sendable {
    /// The format (1).
    public var v = 1
    /// Agents in the crowd.
    public var agentCount: Int { agents.count }
    var agents: [Agents.Row]
    var rngState: UInt64
    var nextAgentId: UInt32
    var time: Double
    var iterations: Int
    var agentSteps: Int
    var placed: Int
    var exited: Int
    var lastExitS: Double?
    var inflowDebt: [Double]
    var exitedBy: [Int]
    var exitTimeSumS: Double
    var groupTallies: [GroupTally]
}

/// Why a checkpoint does not fit the scenario it is resumed with.
public struct CheckpointMismatch: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}

extension CrowdSimulation {
    /// Everything needed to continue this crowd elsewhere (`init(scenario:resuming:)`).
    public func checkpoint() -> CrowdCheckpoint {
        CrowdCheckpoint(
            agents: (0..<agents.count).map { agents[$0] }, rngState: rng.seedToContinue, nextAgentId: nextAgentId,
            time: time, iterations: iterations, agentSteps: agentSteps, placed: placed, exited: exited,
            lastExitS: lastExitS, inflowDebt: inflowDebt, exitedBy: exitedBy, exitTimeSumS: exitTimeSumS,
            groupTallies: groupTallies)
    }

    /// The crowd of `checkpoint`, continuing exactly as the one it was taken from would have (same
    /// steps, same random draws); throws when it does not belong to `scenario` (other exits or groups).
    public convenience init(scenario: Scenario, resuming checkpoint: CrowdCheckpoint, workers: Int = 1) throws {
        try self.init(scenario: scenario, file: "scenario.toml", workers: workers, placing: false)
        let groups = scenario.groups.count
        let exits = scenario.exits.count
        guard checkpoint.v == 1, checkpoint.inflowDebt.count == groups, checkpoint.groupTallies.count == groups,
            checkpoint.exitedBy.count == exits,
            checkpoint.agents.allSatisfy({
                (0..<Int32(exits)).contains($0.goal) && (0..<Int32(groups)).contains($0.group)
                    && $0.x.isFinite && $0.y.isFinite && $0.id < checkpoint.nextAgentId
            }),
            Set(checkpoint.agents.map(\.id)).count == checkpoint.agents.count
        else { throw CheckpointMismatch(description: "the crowd's state does not match its scenario") }
        for row in checkpoint.agents { agents.append(row) }
        rng = SplitMix64(seed: checkpoint.rngState)
        nextAgentId = checkpoint.nextAgentId
        time = checkpoint.time
        iterations = checkpoint.iterations
        agentSteps = checkpoint.agentSteps
        placed = checkpoint.placed
        exited = checkpoint.exited
        lastExitS = checkpoint.lastExitS
        inflowDebt = checkpoint.inflowDebt
        exitedBy = checkpoint.exitedBy
        exitTimeSumS = checkpoint.exitTimeSumS
        groupTallies = checkpoint.groupTallies
    }
}

extension DensityRecorder {
    /// What a live run's alerting remembers: the alerts raised and how long each cell has been over
    /// the limit (a cell halfway to an alert stays halfway on the next node).
    public struct Checkpoint: Codable, Sendable {
        var peak: [Double]
        var alerts: [CrowdAlert]
        /// Seconds since each cell went over the limit; nil where it is not over.
        var aboveSince: [Double?]
        var alerted: [Bool]
    }

    /// Alerts a resumed recorder takes over (a crowd raises one per cell and episode; more is not a real run).
    static let resumedAlertsMax = 10_000

    public var checkpoint: Checkpoint {
        Checkpoint(peak: peak, alerts: alerts, aboveSince: aboveSince.map { $0.isFinite ? $0 : nil }, alerted: alerted)
    }

    /// Carries on from `checkpoint` when it was taken on the same grid; otherwise starts afresh.
    public mutating func resume(_ checkpoint: Checkpoint) {
        let cells = cols * rows
        guard checkpoint.peak.count == cells, checkpoint.aboveSince.count == cells, checkpoint.alerted.count == cells
        else { return }
        peak = checkpoint.peak
        alerts = Array(checkpoint.alerts.prefix(Self.resumedAlertsMax))
        aboveSince = checkpoint.aboveSince.map { $0 ?? .infinity }
        alerted = checkpoint.alerted
    }
}
