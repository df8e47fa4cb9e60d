import Foundation
import Realtime
import Synchronization

/// Report evidence, in memory only: positions and chat are never written to disk, not even for a
/// report. Each piece stays until its report is closed or the vault is full (oldest go first);
/// a restart loses it, and the moderator sees that the evidence is no longer available.
public final class EvidenceVault: Sendable {
    private struct State {
        var byReport: [Int64: Evidence] = [:]
        var order: [Int64] = []
    }

    private let state = Mutex(State())
    /// Reports whose evidence is held at once.
    public let reportsMax: Int

    public init(reportsMax: Int = 10_000) { self.reportsMax = reportsMax }

    public func keep(_ evidence: Evidence, report: Int64) {
        state.withLock { s in
            if s.order.count >= reportsMax, let oldest = s.order.first {
                s.order.removeFirst()
                s.byReport[oldest] = nil
            }
            s.byReport[report] = evidence
            s.order.append(report)
        }
    }

    public func evidence(report: Int64) -> Evidence? {
        state.withLock { $0.byReport[report] }
    }

    /// The report is closed: its evidence is forgotten.
    public func forget(report: Int64) {
        state.withLock { s in
            guard s.byReport.removeValue(forKey: report) != nil else { return }
            s.order.removeAll { $0 == report }
        }
    }
}
