import Synchronization

/// Crowds of digital humans started through the API, by id, for their published state.
final class CrowdRegistry: Sendable {
    private let crowds = Mutex<[String: SimulatedCrowd]>([:])
    private let counter = Mutex(0)

    func add(_ crowd: SimulatedCrowd) { crowds.withLock { $0[crowd.id] = crowd } }
    func remove(_ id: String) { _ = crowds.withLock { $0.removeValue(forKey: id) } }
    func get(_ id: String) -> SimulatedCrowd? { crowds.withLock { $0[id] } }
    func inSpace(_ space: String) -> [SimulatedCrowd] {
        crowds.withLock { Array($0.values.filter { $0.space == space }) }
    }
    func newId(_ space: String) -> String {
        counter.withLock {
            $0 += 1
            return "sim-\($0)"
        }
    }
}
