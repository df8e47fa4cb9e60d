/// A crowd alert raised by a space's live density, for the server to deliver to the space's
/// moderators wherever they are connected (on any node of a cluster).
public struct CrowdAlertNote: Sendable, Hashable {
    public let space: String
    public let text: String
}

/// Where spaces hand their crowd alerts; the server reads `alerts`.
public final class CrowdAlertOutbox: Sendable {
    public let alerts: AsyncStream<CrowdAlertNote>
    private let sink: AsyncStream<CrowdAlertNote>.Continuation
    /// Alerts waiting at most; past this the oldest waiting are dropped (a reader that stopped).
    public static let waitingMax = 256

    public init() {
        (alerts, sink) = AsyncStream.makeStream(
            of: CrowdAlertNote.self, bufferingPolicy: .bufferingNewest(Self.waitingMax))
    }

    func send(_ note: CrowdAlertNote) { sink.yield(note) }

    public func finish() { sink.finish() }
}
