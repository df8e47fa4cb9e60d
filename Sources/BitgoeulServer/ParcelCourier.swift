import Clocks
import Cluster
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Realtime
import ServiceLifecycle
import Synchronization

/// Parcels of spaces this node stopped serving, on their way to the node that serves each next;
/// and the parcels this node is taking in.
final class ParcelDeliveries: Sendable {
    struct Waiting: Sendable {
        let space: String
        let body: Data
        let sinceS: Double
        var attempts = 0
    }

    /// How long a parcel waits for its space's next node; after that its people's state is gone.
    static let waitS = 60.0
    /// Bytes of parcels waiting at most; past it the oldest are dropped.
    static let waitingBytesMax = 256 * 1024 * 1024
    /// Parcels read in at once at most (each up to `ParcelCourier.bodyBytesMax`).
    static let receivingMax = 4
    private let waiting = Mutex<[Waiting]>([])
    /// Parcels being posted now (taken out of `waiting`).
    private let sending = Atomic<Int>(0)
    private let receiving = Atomic<Int>(0)
    /// Ids of parcels taken in lately, and when (monotonic seconds).
    private let taken = Mutex<[String: Double]>([:])

    func add(_ parcel: Waiting) {
        waiting.withLock { all in
            all.append(parcel)
            var bytes = all.reduce(0) { $0 + $1.body.count }
            while bytes > Self.waitingBytesMax, !all.isEmpty { bytes -= all.removeFirst().body.count }
        }
    }

    /// Takes every waiting parcel to send; give back with `putBack` what is to be tried again.
    func takeToSend() -> [Waiting] {
        waiting.withLock { all in
            sending.add(all.count, ordering: .relaxed)
            defer { all.removeAll() }
            return all
        }
    }

    /// Ends a round of sending `taken` parcels, keeping `kept` to try again.
    func putBack(_ kept: [Waiting], taken: Int) {
        waiting.withLock { $0.insert(contentsOf: kept, at: 0) }
        sending.subtract(taken, ordering: .relaxed)
    }

    /// Nothing waits and nothing is being sent.
    var isIdle: Bool { waiting.withLock { $0.isEmpty } && sending.load(ordering: .relaxed) == 0 }

    func startReceiving() -> Bool {
        guard receiving.add(1, ordering: .relaxed).newValue <= Self.receivingMax else {
            receiving.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func doneReceiving() { receiving.subtract(1, ordering: .relaxed) }

    /// True the first time parcel `id` is taken in (within twice `waitS`): a sender that did not
    /// hear the answer sends it again, and it must not be taken in twice.
    func firstTime(_ id: String, nowS: Double) -> Bool {
        taken.withLock { seen in
            seen = seen.filter { nowS - $0.value < 2 * Self.waitS }
            guard seen[id] == nil else { return false }
            seen[id] = nowS
            return true
        }
    }

    /// Forgets that parcel `id` was taken in (it could not be handed to its space after all).
    func forget(_ id: String) { _ = taken.withLock { $0.removeValue(forKey: id) } }
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
            guard let body = try? JSONEncoder().encode(parcel) else { continue }
            guard body.count <= Self.bodyBytesMax else {
                logger.warning(
                    "a space's parcel is too large to move",
                    metadata: ["space": "\(parcel.space)", "bytes": "\(body.count)"])
                continue
            }
            deliveries.add(.init(space: parcel.space, body: body, sinceS: nowS))
        }
        guard let member = services.cluster, let tickets = services.handoffs else { return }
        var kept: [ParcelDeliveries.Waiting] = []
        let taken = deliveries.takeToSend()
        defer { deliveries.putBack(kept, taken: taken.count) }
        for var parcel in taken {
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
                // Ten seconds, and one more per MiB to take in.
                let status = try await NodePost.send(
                    to: placement.url, path: "/internal/v1/parcels", seal: seal, body: parcel.body,
                    timeoutS: 10 + Double(parcel.body.count) / 1_048_576)
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
            if deliveries.isIdle && services.engine.parcels.isEmpty { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// One sealed POST of a parcel to another node: the status code, or an error when the node cannot
/// be reached or does not answer within `timeoutS`.
enum NodePost {
    static func send(to base: String, path: String, seal: String, body: Data, timeoutS: Double) async throws -> Int {
        try await NodeHTTP.exchange(
            .POST, base: base, path: path,
            headers: [("Content-Type", "application/json"), ("Bitgoeul-Parcel-Seal", seal)], body: body,
            timeoutS: timeoutS, responseBytesMax: 0
        ).status
    }
}
