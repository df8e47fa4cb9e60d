import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Metrics
import NIOCore
import NIOWebSocket
import Synchronization
import Wire

/// `GET /api/v1/connect`: the real-time WebSocket (protocol in docs/protocol.md).
enum ConnectRoute {
    static let connected = Meter(label: "bitgoeul_connected_clients")

    static func add(to router: Router<BasicWebSocketRequestContext>, services: Services) {
        router.ws("/api/v1/connect") { inbound, outbound, context in
            await serve(inbound: inbound, outbound: outbound, services: services, logger: context.logger)
        }
    }

    static func serve(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, services: Services, logger: Logger
    ) async {
        switch services.admission.enter() {
        case .tooFast:
            try? await outbound.close(
                .init(codeNumber: Int(CloseCode.busy)), reason: "too many new connections; retry in a second")
            return
        case .full:
            try? await outbound.close(.init(codeNumber: Int(CloseCode.busy)), reason: "the server is full")
            return
        case .admitted:
            break
        }
        connected.increment()
        defer {
            connected.decrement()
            services.admission.leave()
        }
        let (directStream, direct) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingOldest(64))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await write(directStream, to: outbound) }
            let helloDeadline = services.config.helloTimeoutS
            let greeted = Flag()
            var session = ConnectionSession(services: services, direct: direct)
            group.addTask {
                guard (try? await Task.sleep(for: .seconds(helloDeadline))) != nil, !greeted.isSet else { return }
                try? await outbound.close(
                    .init(codeNumber: Int(CloseCode.helloTimeout)), reason: "no hello within \(helloDeadline) s")
            }
            do {
                loop: for try await message in inbound.messages(maxSize: WireFormat.clientFrameBytesMax) {
                    let actions: [ConnectionSession.Action]
                    switch message {
                    case .binary(let buffer): actions = await session.receive(frame: buffer)
                    case .text: actions = session.receiveText()
                    }
                    if session.phase != .awaitingHello { greeted.set() }
                    for action in actions {
                        switch action {
                        case .startWriter(let stream):
                            group.addTask { await write(stream, to: outbound) }
                        case .close(let code, let reason):
                            logger.debug("closing connection", metadata: ["code": "\(code)", "reason": "\(reason)"])
                            try? await outbound.close(.init(codeNumber: Int(code)), reason: reason)
                            break loop
                        }
                    }
                }
            } catch {
                logger.debug("connection ended", metadata: ["error": "\(type(of: error))"])
            }
            session.end()
            direct.finish()
            group.cancelAll()
        }
    }

    /// Writes frames until the stream ends or the socket fails.
    static func write(_ stream: AsyncStream<ByteBuffer>, to outbound: WebSocketOutboundWriter) async {
        for await frame in stream {
            do {
                try await outbound.write(.binary(frame))
            } catch {
                return
            }
        }
    }
}

/// A flag one task sets and another reads.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
