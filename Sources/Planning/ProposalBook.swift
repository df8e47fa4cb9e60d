import Foundation
import Synchronization

/// Every proposal's versions, checked and in the space's frame, shared by the handlers.
public final class ProposalBook: Sendable {
    public struct Version: Sendable {
        public let number: Int
        public let proposal: Proposal
        /// The document as saved (JSON), for the store and for new nodes.
        public let json: String
        public let savedAt: Date

        public init(number: Int, proposal: Proposal, json: String, savedAt: Date) {
            self.number = number
            self.proposal = proposal
            self.json = json
            self.savedAt = savedAt
        }

        public var period: ProposalDocument.Period { proposal.document.period }
    }

    /// Proposals a server keeps, across spaces.
    public static let proposalsMax = 500
    /// Versions one proposal may have.
    public static let versionsMax = 50

    private let state = Mutex<[String: [Version]]>([:])

    public init() {}

    /// Adds a version, or replaces the one with the same number.
    public func put(_ v: Version) {
        state.withLock { book in
            var list = book[v.proposal.id] ?? []
            list.removeAll { $0.number == v.number }
            list.append(v)
            list.sort { $0.number < $1.number }
            book[v.proposal.id] = list
        }
    }

    public func latest(_ id: String) -> Version? { state.withLock { $0[id]?.last } }

    public func version(_ id: String, _ number: Int) -> Version? {
        state.withLock { $0[id]?.first { $0.number == number } }
    }

    public func versions(_ id: String) -> [Version] { state.withLock { $0[id] ?? [] } }

    /// The latest version of every proposal, optionally of one space, by id.
    public func latest(space: String? = nil) -> [Version] {
        state.withLock { book in
            book.values.compactMap(\.last).filter { space == nil || $0.proposal.space == space }
                .sorted { $0.proposal.id < $1.proposal.id }
        }
    }

    public var count: Int { state.withLock { $0.count } }
}

/// Where each version's effects job stands.
public enum EffectsStatus: Sendable, Equatable {
    case queued
    case running(progress: Double)
    case done
    case failed(reason: String)

    public var name: String {
        switch self {
        case .queued: "queued"
        case .running: "running"
        case .done: "done"
        case .failed: "failed"
        }
    }
}
