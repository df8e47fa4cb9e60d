import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization

/// Time limits and caps for HTTP connections, so slow and silent clients cannot hold sockets.
public struct HTTPLimits: Sendable {
    /// Seconds a new connection has to send its first request's head (request line and headers).
    public var requestHeadTimeoutS = 10.0
    /// Seconds a kept-alive connection may sit idle between requests (or send a later head).
    public var keepAliveIdleS = 30.0
    /// Bytes in a request head; a longer one is answered 431.
    public var requestHeadBytesMax = 16 * 1024
    /// TCP connections (HTTP and WebSocket) open at once; past it a new one is answered 503.
    public var socketsMax = 19_000

    public init() {}
}

/// Finds the end of an HTTP/1 request head in the bytes a connection sends, counting them.
///
/// A synchronous state machine fed chunks as they arrive. Empty lines before the request line
/// are skipped (RFC 9112 §2.2); a head ends at an empty line (CRLF CRLF, or a bare LF LF).
struct RequestHeadScanner {
    enum Verdict: Equatable { case incomplete, complete, tooLarge }

    let bytesMax: Int
    private(set) var bytes = 0
    private var started = false
    private var last: UInt8 = 0
    private var beforeLast: UInt8 = 0

    init(bytesMax: Int) {
        self.bytesMax = bytesMax
    }

    mutating func feed(_ chunk: some Sequence<UInt8>) -> Verdict {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        for byte in chunk {
            if !started {
                if byte == cr || byte == lf { continue }
                started = true
            }
            bytes += 1
            if byte == lf && (last == lf || (last == cr && beforeLast == lf)) { return .complete }
            if bytes >= bytesMax { return .tooLarge }
            beforeLast = last
            last = byte
        }
        return .incomplete
    }

    /// Whether any byte of a request has come.
    var hasStarted: Bool { started }
}

/// Counts open sockets against `HTTPLimits.socketsMax`.
final class SocketCounter: Sendable {
    private let open = Atomic<Int>(0)
    let max: Int

    init(max: Int) {
        self.max = max
    }

    /// Takes a place; false (and nothing taken) when all are in use.
    func take() -> Bool {
        guard open.add(1, ordering: .relaxed).newValue <= max else {
            open.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() { open.subtract(1, ordering: .relaxed) }
    var current: Int { open.load(ordering: .relaxed) }
}

/// The first handler of every connection: caps open sockets, and gives the first request head a
/// deadline and a size limit, answering 503, 408 or 431 in plain HTTP before closing.
///
/// Later requests on a kept-alive connection are bounded by Hummingbird's idle timeout; once the
/// first head is through (or the connection became a WebSocket) this handler steps aside.
final class ConnectionGuardHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State { case idle, scanning, passed, refusing }

    private let limits: HTTPLimits
    private let sockets: SocketCounter
    private var scanner: RequestHeadScanner
    private var state = State.idle
    private var deadline: Scheduled<Void>?
    /// How long a refused connection is drained before it is closed, so the client reads the answer.
    static let drainS: Int64 = 2

    init(limits: HTTPLimits, sockets: SocketCounter) {
        self.limits = limits
        self.sockets = sockets
        self.scanner = RequestHeadScanner(bytesMax: limits.requestHeadBytesMax)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    private func start(_ context: ChannelHandlerContext) {
        guard state == .idle else { return }
        state = .scanning
        guard sockets.take() else {
            refuse(context, .serviceUnavailable, "full", "the server has too many connections open; retry shortly")
            return
        }
        let counted = sockets
        context.channel.closeFuture.whenComplete { _ in counted.release() }
        let timeout = TimeAmount.milliseconds(Int64(limits.requestHeadTimeoutS * 1000))
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            let handler = self
            handler.deadline = nil
            guard handler.state == .scanning else { return }
            if handler.scanner.hasStarted {
                handler.refuse(
                    context, .requestTimeout, "request_timeout",
                    "the request head did not arrive within \(handler.limits.requestHeadTimeoutS) s")
            } else {
                handler.state = .refusing
                Self.endInput(context)
                context.close(promise: nil)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .passed, .idle:
            context.fireChannelRead(data)
        case .refusing:
            break  // drained
        case .scanning:
            let buffer = unwrapInboundIn(data)
            switch scanner.feed(buffer.readableBytesView) {
            case .incomplete:
                context.fireChannelRead(data)
            case .complete:
                state = .passed
                deadline?.cancel()
                deadline = nil
                context.fireChannelRead(data)
            case .tooLarge:
                refuse(
                    context, .requestHeaderFieldsTooLarge, "headers_too_large",
                    "the request line and headers are at most \(limits.requestHeadBytesMax) bytes")
            }
        }
    }

    /// Tells the handlers behind that no request is coming, as a client's own close would, so the
    /// upgrade handler ends quietly instead of logging an error for a connection refused on purpose.
    private static func endInput(_ context: ChannelHandlerContext) {
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    }

    /// Answers with `status` and a JSON error, stops reading the request, and closes after a drain.
    private func refuse(
        _ context: ChannelHandlerContext, _ status: HTTPResponse.Status, _ code: String, _ message: String
    ) {
        state = .refusing
        deadline?.cancel()
        deadline = nil
        let body = #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#
        var head = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nConnection: close\r\n"
        head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
        if status == .serviceUnavailable { head += "Retry-After: 5\r\n" }
        let bytes = context.channel.allocator.buffer(string: head + "\r\n" + body)
        context.writeAndFlush(wrapOutboundOut(bytes)).assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(Self.drainS)) {
            Self.endInput(context)
            context.close(promise: nil)
        }
    }
}

/// Answers a later request on a kept-alive connection whose head is too large with 431, where
/// Hummingbird would say 400 (the first request's head is the guard's).
final class HeaderOverflowHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    let headBytesMax: Int

    init(headBytesMax: Int) {
        self.headBytesMax = headBytesMax
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parse = error as? HTTPParserError, parse == .headerOverflow else {
            context.fireErrorCaught(error)
            return
        }
        let body = context.channel.allocator.buffer(
            string:
                #"{"error":{"code":"headers_too_large","message":"the request line and headers are at most \#(headBytesMax) bytes"}}"#
        )
        let head = HTTPResponse(
            status: .requestHeaderFieldsTooLarge,
            headerFields: [
                .connection: "close", .contentType: "application/json; charset=utf-8",
                .contentLength: String(body.readableBytes),
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

/// Wraps a server child channel so every connection starts with a `ConnectionGuardHandler`.
struct GuardedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let limits: HTTPLimits
    let sockets: SocketCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ConnectionGuardHandler(limits: limits, sockets: sockets))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        var quiet = logger
        quiet.handler = RefusalsAreNotErrors(base: logger.handler)
        await base.handle(value: value, logger: quiet)
    }
}

/// Hummingbird logs "Error handling upgrade result" at error level whenever a connection closes
/// before its first request head is complete. The guard closes such connections on purpose (408,
/// 431, 503, a silent socket), and a client that hangs up mid-head already logs at trace, so these
/// lines go out at debug: an attacker cannot fill the log by being refused.
struct RefusalsAreNotErrors: LogHandler {
    var base: any LogHandler
    static let message = "Error handling upgrade result"

    func log(event: LogEvent) {
        var event = event
        if event.level >= .error, event.message.description == Self.message {
            event.level = .debug
            guard base.logLevel <= .debug else { return }
        }
        base.log(event: event)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }
    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }
    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }
    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }
}
