import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Metrics
import NIOCore
import NIOWebSocket
import RealtimeSession
import Synchronization
import Wire

/// `GET /api/v1/connect`: the real-time WebSocket (protocol in docs/protocol.md).
enum ConnectRoute {
    static let connected = Meter(label: "bitgoeul_connected_clients")

    static func add(to router: Router<ConnectRequestContext>, services: Services) {
        router.ws("/api/v1/connect") { inbound, outbound, context in
            let address = context.requestContext.clientAddress(context.request, services: services)
            try await serve(
                inbound: inbound, outbound: outbound, from: address, services: services, logger: context.logger)
        }
    }

    /// Serves one connection. Rethrows what ended the inbound stream (a message over the size
    /// limit, a protocol error), so the WebSocket layer closes with its code (1009, 1002) and not 1000.
    static func serve(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, from address: ClientAddress,
        services: Services, logger: Logger
    ) async throws {
        switch services.admission.enter(from: address) {
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
        let ended: (any Error)? = await withTaskGroup(of: Void.self) { group in
            group.addTask { await write(directStream, to: outbound) }
            let helloDeadline = services.config.helloTimeoutS
            let greeted = Flag()
            var connection = Connection(
                machine: ConnectionStateMachine(environment: services.sessionEnvironment),
                effects: services.sessionEffects, direct: direct)
            group.addTask {
                guard (try? await Task.sleep(for: .seconds(helloDeadline))) != nil, !greeted.isSet else { return }
                try? await outbound.close(
                    .init(codeNumber: Int(CloseCode.helloTimeout)), reason: "no hello within \(helloDeadline) s")
            }
            var failure: (any Error)?
            var watched: (account: Int64, id: UInt64)?
            do {
                loop: for try await message in inbound.messages(maxSize: WireFormat.clientFrameBytesMax) {
                    let actions: [ConnectionStateMachine.Action]
                    switch message {
                    case .binary(let buffer): actions = await connection.receive { $0.receive(frame: buffer) }
                    case .text: actions = await connection.receive { $0.receiveText() }
                    }
                    if connection.machine.isGreeted { greeted.set() }
                    for action in actions {
                        switch action {
                        case .startWriter(let stream):
                            group.addTask { await write(stream, to: outbound) }
                        case .watch(let account):
                            let (id, endings) = services.connections.register(account: account)
                            watched = (account, id)
                            group.addTask {
                                for await ending in endings {
                                    try? await outbound.close(
                                        .init(codeNumber: Int(ending.code)), reason: ending.reason)
                                }
                            }
                        case .close(let code, let reason):
                            logger.debug("closing connection", metadata: ["code": "\(code)", "reason": "\(reason)"])
                            try? await outbound.close(.init(codeNumber: Int(code)), reason: reason)
                            break loop
                        case .send, .perform:
                            break  // carried out by `Connection.receive`
                        }
                    }
                }
            } catch {
                logger.debug("connection ended", metadata: ["error": "\(type(of: error))"])
                failure = error
            }
            if let watched { services.connections.unregister(account: watched.account, id: watched.id) }
            connection.machine.end()
            direct.finish()
            group.cancelAll()
            return failure
        }
        if let ended { throw ended }
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

/// A connection's state machine with what carries out its actions: messages to the client go
/// straight to the socket's writer, requests to the effects, whose outcomes go back in.
struct Connection {
    var machine: ConnectionStateMachine
    let effects: SessionEffects
    let direct: AsyncStream<ByteBuffer>.Continuation

    /// Feeds one input to the machine and carries out its sends and requests until it asks for
    /// nothing more; returns the actions left for the socket (writer, watch, close).
    mutating func receive(_ input: (inout ConnectionStateMachine) -> [ConnectionStateMachine.Action]) async
        -> [ConnectionStateMachine.Action]
    {
        var left: [ConnectionStateMachine.Action] = []
        var actions = input(&machine)
        while !actions.isEmpty {
            var next: [ConnectionStateMachine.Action] = []
            for action in actions {
                switch action {
                case .send(let message):
                    var buffer = ByteBuffer()
                    message.encode(into: &buffer)
                    direct.yield(buffer)
                case .perform(let request):
                    next += machine.receive(await effects.perform(request))
                default:
                    left.append(action)
                }
            }
            actions = next
        }
        return left
    }
}

/// A flag one task sets and another reads.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
