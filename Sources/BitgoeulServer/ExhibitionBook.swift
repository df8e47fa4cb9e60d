import Docent
import Synchronization

/// The exhibitions on show: those shipped with the world, then those curators saved.
final class ExhibitionBook: Sendable {
    private let items = Mutex<[String: Exhibition]>([:])

    init(_ exhibitions: [Exhibition]) {
        items.withLock { all in for e in exhibitions { all[e.id] = e } }
    }

    func put(_ e: Exhibition) { items.withLock { $0[e.id] = e } }
    func get(_ id: String) -> Exhibition? { items.withLock { $0[id] } }
    func all(space: String? = nil) -> [Exhibition] {
        items.withLock { Array($0.values) }.filter { space == nil || $0.space == space }.sorted { $0.id < $1.id }
    }
}
