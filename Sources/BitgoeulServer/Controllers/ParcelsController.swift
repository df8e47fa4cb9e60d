import Clocks
import Cluster
import Foundation
import Hummingbird
import Logging
import NIOCore
import Realtime

/// `POST /internal/v1/parcels`: another node of the cluster hands over what a space held in memory
/// when it stopped serving it (`ParcelCourier`); this node serves the space now and takes it in.
/// Only with a valid seal (`Bitgoeul-Parcel-Seal`) from a node of the cluster, for this node, once.
struct ParcelsController {
    let services: Services

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self).post("/internal/v1/parcels", use: receive)
    }

    @Sendable func receive(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        guard let tickets = services.handoffs else { throw APIError(.notFound, "not_found", "not a node of a cluster") }
        guard let seal = request.headers[.init("Bitgoeul-Parcel-Seal")!] else {
            throw APIError(.unauthorized, "unauthorized", "a parcel comes with its seal")
        }
        // The seal first: only a node of the cluster makes this node read a large body.
        let claims: ParcelClaims
        switch tickets.openParcelSeal(seal) {
        case .success(let c): claims = c
        case .failure(let refusal): throw APIError(.forbidden, "parcel_refused", refusal.description)
        }
        guard services.parcels.startReceiving() else { throw APIError.busy }
        defer { services.parcels.doneReceiving() }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: ParcelCourier.bodyBytesMax)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "a parcel is at most \(ParcelCourier.bodyBytesMax) bytes")
        }
        let body = Data(buffer.readableBytesView)
        if case .failure(let refusal) = tickets.acceptParcel(claims, body: body) {
            throw APIError(.forbidden, "parcel_refused", refusal.description)
        }
        guard let parcel = try? JSONDecoder().decode(SpaceParcel.self, from: body), parcel.space == claims.space else {
            throw APIError.badRequest("the parcel cannot be read")
        }
        guard let handle = services.engine.directory[parcel.space], handle.isServed else {
            throw APIError(.conflict, "not_here", "this node does not serve '\(parcel.space)' now")
        }
        // Sent again because the sender did not hear the answer: already here.
        guard services.parcels.firstTime(parcel.id, nowS: services.clock.monotonicS()) else {
            return Response(status: .accepted)
        }
        let guides = parcel.guides.prefix(SpaceInstance.parcelToursMax).map {
            PlannedTourGuide.revive($0.state, in: handle.space) as (any GuideMind)?
        }
        var crowds: [SimulatedCrowd] = []
        for moved in parcel.crowds.prefix(SimulationsController.crowdsPerSpaceMax) {
            guard let crowd = try? SimulatedCrowd.revive(id: moved.id, state: moved.state, in: handle) else {
                services.logger.warning("a crowd could not continue here", metadata: ["space": "\(handle.id)"])
                continue
            }
            crowds.append(crowd)
        }
        guard handle.deliver(ArrivingParcel(parcel: parcel, guides: guides, crowds: crowds)) else {
            services.parcels.forget(parcel.id)
            throw APIError.busy
        }
        for crowd in crowds { services.crowds.add(crowd) }
        services.logger.info("took over a space's state", metadata: ["space": "\(handle.id)", "from": "\(claims.iss)"])
        return Response(status: .accepted)
    }
}
