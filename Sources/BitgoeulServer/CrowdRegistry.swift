import Foundation
import Synchronization

/// Crowds of digital humans started through the API, by id, for their published state.
///
/// Ids are random (`sim-` and 8 hex digits), not counted, so a crowd keeps its id when its space
/// moves to another node of a cluster and meets no other crowd's there.
final class CrowdRegistry: Sendable {
    private let crowds = Mutex<[String: SimulatedCrowd]>([:])

    func add(_ crowd: SimulatedCrowd) { crowds.withLock { $0[crowd.id] = crowd } }
    func remove(_ id: String) { _ = crowds.withLock { $0.removeValue(forKey: id) } }
    func get(_ id: String) -> SimulatedCrowd? { crowds.withLock { $0[id] } }
    func inSpace(_ space: String) -> [SimulatedCrowd] {
        crowds.withLock { Array($0.values.filter { $0.space == space }) }
    }
    func newId(_ space: String) -> String {
        crowds.withLock { crowds in
            while true {
                let id = String(format: "sim-%08x", UInt32.random(in: .min ... .max))
                if crowds[id] == nil { return id }
            }
        }
    }
}
