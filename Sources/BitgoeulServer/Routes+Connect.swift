import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Metrics
import NIOCore
import NIOWebSocket
import Realtime
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
                inbound: inbound, outbound: outbound, channel: context.requestContext.channel, from: address,
                services: services, logger: context.logger)
        }
    }

    /// Serves one connection. Rethrows what ended the inbound stream (a message over the size
    /// limit, a protocol error), so the WebSocket layer closes with its code (1009, 1002) and not 1000.
    ///
    /// With a `channel`, the space writes its frames to it directly and moves are read off it as
    /// they arrive (`WebSocketOutlet`, `MoveReader`); without one (tests), through the writers.
    static func serve(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: (any Channel)?,
        from address: ClientAddress, services: Services, logger: Logger
    ) async throws {
        guard await admit(from: address, services: services, outbound: outbound) else { return }
        connected.increment()
        defer {
            connected.decrement()
            services.admission.leave()
        }
        let (directStream, direct) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingOldest(64))
        let socket = Socket(outbound: outbound, services: services, logger: logger)
        let ended: (any Error)? = await withTaskGroup(of: Void.self) { group in
            group.addTask { await write(directStream, to: outbound) }
            let greeted = Flag()
            let helloDeadlineS = services.config.helloTimeoutS
            group.addTask { await socket.closeUnlessGreeted(greeted, withinS: helloDeadlineS) }
            let outlet = channel.map { WebSocketOutlet(channel: $0) }
            let machine = ConnectionStateMachine(environment: services.sessionEnvironment, outlet: outlet)
            if let outlet, !(await MoveReader.install(on: outlet, shortcut: machine.moves)) {
                logger.debug("no WebSocket frame codec in the pipeline: frames and moves take the usual way")
            }
            var connection = Connection(machine: machine, effects: services.sessionEffects, direct: direct)
            var watched: (account: Int64, id: UInt64)?
            let failure = await socket.read(
                inbound, into: &connection, greeted: greeted, group: &group, watched: &watched)
            if let watched { services.connections.unregister(account: watched.account, id: watched.id) }
            connection.machine.end()
            direct.finish()
            group.cancelAll()
            return failure
        }
        if let ended { throw ended }
    }

    /// Takes a place for the connection, or closes it when the server is full or the address too fast.
    static func admit(from address: ClientAddress, services: Services, outbound: WebSocketOutboundWriter) async
        -> Bool
    {
        let reason: String
        switch services.admission.enter(from: address) {
        case .admitted: return true
        case .tooFast: reason = "too many new connections; retry in a second"
        case .full: reason = "the server is full"
        }
        try? await outbound.close(.init(codeNumber: Int(CloseCode.busy)), reason: reason)
        return false
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

/// The socket's side of a connection: reads frames into the state machine and carries out the
/// actions that touch the socket (writers, account watches, closes).
struct Socket: Sendable {
    let outbound: WebSocketOutboundWriter
    let services: Services
    let logger: Logger

    /// Reads until the client leaves or an action closes; returns what ended the stream, if it failed.
    func read(
        _ inbound: WebSocketInboundStream, into connection: inout Connection, greeted: Flag,
        group: inout TaskGroup<Void>, watched: inout (account: Int64, id: UInt64)?
    ) async -> (any Error)? {
        do {
            for try await message in inbound.messages(maxSize: WireFormat.clientFrameBytesMax) {
                let actions: [ConnectionStateMachine.Action]
                switch message {
                case .binary(let buffer): actions = await connection.receive { $0.receive(frame: buffer) }
                case .text: actions = await connection.receive { $0.receiveText() }
                }
                if connection.machine.isGreeted { greeted.set() }
                guard await carryOut(actions, group: &group, watched: &watched) else { break }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(type(of: error))"])
            return error
        }
        return nil
    }

    /// Carries out the socket's actions; false when the connection is to be closed.
    private func carryOut(
        _ actions: [ConnectionStateMachine.Action], group: inout TaskGroup<Void>,
        watched: inout (account: Int64, id: UInt64)?
    ) async -> Bool {
        for action in actions {
            switch action {
            case .startWriter(let stream):
                group.addTask { await ConnectRoute.write(stream, to: outbound) }
            case .watch(let account):
                let (id, endings) = services.connections.register(account: account)
                watched = (account, id)
                group.addTask { [outbound] in
                    for await ending in endings {
                        try? await outbound.close(.init(codeNumber: Int(ending.code)), reason: ending.reason)
                    }
                }
            case .close(let code, let reason):
                logger.debug("closing connection", metadata: ["code": "\(code)", "reason": "\(reason)"])
                try? await outbound.close(.init(codeNumber: Int(code)), reason: reason)
                return false
            case .send, .perform:
                break  // carried out by `Connection.receive`
            }
        }
        return true
    }

    /// Closes the connection when no hello has come within the deadline.
    func closeUnlessGreeted(_ greeted: Flag, withinS deadlineS: Double) async {
        guard (try? await Task.sleep(for: .seconds(deadlineS))) != nil, !greeted.isSet else { return }
        try? await outbound.close(
            .init(codeNumber: Int(CloseCode.helloTimeout)), reason: "no hello within \(deadlineS) s")
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
