import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import Wire

/// What a connection hears: server messages in order, then how it closed.
public enum RealtimeEvent: Sendable {
    case message(ServerMessage)
    /// A whole frame, undecoded (connections opened with `decode: false`, for load tools).
    case frame(ByteBuffer)
    /// A frame that did not decode (a server bug or a newer server): the reason.
    case undecodable(String)
    case closed(code: UInt16?, reason: String?)
}

/// One WebSocket connection to a Bitgoeul server speaking the binary protocol (async/await).
///
/// `events` delivers everything the server sends; `send` queues frames without waiting. The
/// event buffer is bounded (`eventsMax`): a consumer that falls far behind loses the oldest events.
public final class RealtimeConnection: Sendable {
    public static let eventsMax = 4096
    public let events: AsyncStream<RealtimeEvent>
    private let outgoing: AsyncStream<ByteBuffer>.Continuation
    private let closeRequest = Mutex<(code: UInt16, reason: String)?>(nil)
    private let bytesReceivedCount = Atomic<Int>(0)

    private init(events: AsyncStream<RealtimeEvent>, outgoing: AsyncStream<ByteBuffer>.Continuation) {
        self.events = events
        self.outgoing = outgoing
    }

    /// Connects to `ws://host:port/api/v1/connect`; returns once the WebSocket is open.
    /// With `decode: false` the events carry raw frames, which saves a load tool the decoding work.
    /// Opens a connection; fails when it is not open within `timeoutS` (a server too busy to
    /// answer the upgrade must not hold the caller for ever).
    public static func connect(
        url: String, decode: Bool = true, timeoutS: Double = 15, logger: Logger = Logger(label: "bitgoeul.client")
    ) async throws -> RealtimeConnection {
        let (events, eventSink) = AsyncStream<RealtimeEvent>.makeStream(bufferingPolicy: .bufferingNewest(eventsMax))
        let (outStream, outSink) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingOldest(1024))
        let connection = RealtimeConnection(events: events, outgoing: outSink)
        let opened = OpenSignal()
        Task {
            do {
                let closeFrame = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: WireFormat.serverFrameBytesMax), logger: logger
                ) { inbound, outbound, _ in
                    opened.open(nil)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await frame in outStream { try await outbound.write(.binary(frame)) }
                            let request =
                                connection.closeRequest.withLock { $0 } ?? (code: CloseCode.normal, reason: "bye")
                            try await outbound.close(.init(codeNumber: Int(request.code)), reason: request.reason)
                        }
                        for try await message in inbound.messages(maxSize: WireFormat.serverFrameBytesMax) {
                            guard case .binary(let frame) = message else {
                                eventSink.yield(.undecodable("text frame"))
                                continue
                            }
                            connection.bytesReceivedCount.wrappingAdd(frame.readableBytes, ordering: .relaxed)
                            guard decode else {
                                eventSink.yield(.frame(frame))
                                continue
                            }
                            do throws(WireError) {
                                for m in try Frame.decodeServer(frame) { eventSink.yield(.message(m)) }
                            } catch {
                                eventSink.yield(.undecodable(error.description))
                            }
                        }
                        group.cancelAll()
                    }
                }
                opened.open(nil)
                eventSink.yield(
                    .closed(
                        code: closeFrame.map { UInt16(webSocketErrorCode: $0.closeCode) }, reason: closeFrame?.reason))
            } catch {
                opened.open(error)
                eventSink.yield(.closed(code: nil, reason: "\(error)"))
            }
            eventSink.finish()
            outSink.finish()
        }
        let timer = Task {
            guard (try? await Task.sleep(for: .seconds(timeoutS))) != nil else { return }
            if opened.open(ConnectTimeout(seconds: timeoutS)) { connection.close() }
        }
        defer { timer.cancel() }
        if let error = await opened.wait() { throw error }
        return connection
    }

    /// Queues messages to go out as one frame.
    public func send(_ messages: [ClientMessage]) {
        outgoing.yield(Frame.encode(messages))
    }

    public func send(_ message: ClientMessage) { send([message]) }

    /// Queues raw bytes as one frame (for fuzzing and protocol tests).
    public func sendRaw(_ frame: ByteBuffer) { outgoing.yield(frame) }

    /// Closes the connection after the queued frames are sent.
    public func close(code: UInt16 = CloseCode.normal, reason: String = "bye") {
        closeRequest.withLock { $0 = (code, reason) }
        outgoing.finish()
    }

    public var bytesReceived: Int { bytesReceivedCount.load(ordering: .relaxed) }
}

/// The connection did not open in time.
public struct ConnectTimeout: Error, CustomStringConvertible {
    public let seconds: Double
    public var description: String { "the connection did not open within \(seconds) s" }
}

/// Resumes `wait()` once, with nil or the error that prevented opening.
final class OpenSignal: Sendable {
    private let state = Mutex<(done: Bool, error: (any Error)?, waiter: CheckedContinuation<(any Error)?, Never>?)>(
        (false, nil, nil))

    /// Settles the outcome unless it already is; true when this call settled it.
    @discardableResult
    func open(_ error: (any Error)?) -> Bool {
        let (settled, waiter): (Bool, CheckedContinuation<(any Error)?, Never>?) = state.withLock { s in
            if s.done { return (false, nil) }
            s.done = true
            s.error = error
            let w = s.waiter
            s.waiter = nil
            return (true, w)
        }
        waiter?.resume(returning: error)
        return settled
    }

    func wait() async -> (any Error)? {
        await withCheckedContinuation { continuation in
            let ready: (any Error)?? = state.withLock { s in
                if s.done { return .some(s.error) }
                s.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
