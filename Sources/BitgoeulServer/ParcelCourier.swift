import Clocks
import Cluster
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Realtime
import ServiceLifecycle
import Synchronization

/// Parcels of spaces this node stopped serving, on their way to the node that serves each next.
final class ParcelDeliveries: Sendable {
    struct Waiting: Sendable {
        let space: String
        let body: Data
        let sinceS: Double
        var attempts = 0
    }

    /// How long a parcel waits for its space's next node; after that its people's state is gone.
    static let waitS = 60.0
    private let waiting = Mutex<[Waiting]>([])

    func add(_ parcel: Waiting) { waiting.withLock { $0.append(parcel) } }
    func take() -> [Waiting] {
        waiting.withLock { all in
            defer { all.removeAll() }
            return all
        }
    }
    func putBack(_ parcels: [Waiting]) { waiting.withLock { $0.insert(contentsOf: parcels, at: 0) } }
    var isEmpty: Bool { waiting.withLock { $0.isEmpty } }
}

/// Takes each parcel the engine packs when a space stops here (a drain, a rebalance) to the node
/// that serves the space next, once the directory names it: `POST /internal/v1/parcels` with the
/// parcel's seal (`HandoffTickets.sealParcel`). Memory to memory: nothing is written on the way.
struct ParcelCourier: Service {
    let services: Services
    let logger: Logger
    var deliveries: ParcelDeliveries { services.parcels }
    static let periodMs = 200
    /// The most one parcel may be (the receiver's limit, too).
    static let bodyBytesMax = 48 * 1024 * 1024

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await round()
                try? await Task.sleep(for: .milliseconds(Self.periodMs))
            }
        }
    }

    /// Packs new parcels, sends those whose space has a new node, keeps the rest (until `waitS`).
    func round() async {
        let nowS = services.clock.monotonicS()
        for parcel in services.engine.parcels.takeAll() {
            // The crowds went with the space: they are no longer listed here.
            for crowd in parcel.crowds { services.crowds.remove(crowd.id) }
            guard let body = try? JSONEncoder().encode(parcel), body.count <= Self.bodyBytesMax else {
                logger.warning("a space's parcel is too large to move", metadata: ["space": "\(parcel.space)"])
                continue
            }
            deliveries.add(.init(space: parcel.space, body: body, sinceS: nowS))
        }
        guard let member = services.cluster, let tickets = services.handoffs else { return }
        var kept: [ParcelDeliveries.Waiting] = []
        for var parcel in deliveries.take() {
            guard nowS - parcel.sinceS < ParcelDeliveries.waitS else {
                logger.warning("a space's parcel found no node in time", metadata: ["space": "\(parcel.space)"])
                continue
            }
            guard let placement = member.directory.placement(of: parcel.space), placement.node != member.directory.me
            else {
                kept.append(parcel)
                continue
            }
            do {
                let seal = try tickets.sealParcel(parcel.body, space: parcel.space, to: placement.node)
                let status = try await NodePost.send(
                    to: placement.url, path: "/internal/v1/parcels", seal: seal, body: parcel.body, timeoutS: 10)
                if (200..<300).contains(status) {
                    logger.info(
                        "moved a space's state", metadata: ["space": "\(parcel.space)", "node": "\(placement.node)"])
                    continue
                }
                // 409: that node does not serve it (yet); anything else is tried again too, a few times.
                parcel.attempts += 1
                if status != 409 && parcel.attempts >= 5 {
                    logger.warning(
                        "a node refused a space's parcel",
                        metadata: ["space": "\(parcel.space)", "status": "\(status)"])
                    continue
                }
            } catch {
                parcel.attempts += 1
            }
            kept.append(parcel)
        }
        deliveries.putBack(kept)
    }
}

extension BitgoeulServer {
    /// Waits (at most `timeoutS`) until every parcel of this node's spaces reached its next node.
    func waitForParcels(timeoutS: Double) async {
        let deliveries = services.parcels
        let start = services.clock.monotonicS()
        // The engine packs a space's parcel on the tick after it stops; the courier takes it a round later.
        try? await Task.sleep(for: .milliseconds(2 * ParcelCourier.periodMs))
        while services.clock.monotonicS() - start < timeoutS {
            if deliveries.isEmpty && services.engine.parcels.isEmpty { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// One HTTP/1.1 POST to another node, on NIO: the status code, or an error when the node cannot
/// be reached or does not answer within `timeoutS` (an event-loop timer closes the connection).
enum NodePost {
    struct Unreachable: Error {}

    static func send(to base: String, path: String, seal: String, body: Data, timeoutS: Double) async throws -> Int {
        guard let url = URLComponents(string: base), let host = url.host, let scheme = url.scheme,
            scheme == "http" || scheme == "https"
        else { throw Unreachable() }
        let tls = scheme == "https"
        let port = url.port ?? (tls ? 443 : 80)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if tls {
                        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let timer = channel.channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeoutS * 1000))) {
            channel.channel.close(promise: nil)
        }
        defer { timer.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
            head.headers.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: "\(body.count)")
            head.headers.add(name: "Bitgoeul-Parcel-Seal", value: seal)
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(.head(head))
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
            try await outbound.write(.end(nil))
            for try await part in inbound {
                if case .head(let response) = part { return Int(response.status.code) }
            }
            throw Unreachable()
        }
    }
}
