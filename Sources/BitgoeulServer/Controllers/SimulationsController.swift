import Foundation
import Hummingbird
import NIOCore
import Realtime
import Simulation
import Storage
import WorldModel

/// Digital humans in a live space: an owner starts a crowd scenario (TOML) inside the space, the
/// agents walk among the avatars (who are obstacles to them) and reach clients like avatars,
/// flagged as simulated; anyone may read the density overlay; the owner stops it.
struct SimulationsController {
    let services: Services

    struct Listed: Encodable {
        let state: SimulatedCrowd.Published
        let running: Bool
    }

    static let scenarioBytesMax = 64 * 1024
    static let agentsMax = 5000
    static let crowdsPerSpaceMax = 2

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        let base = "/api/v1/spaces/{region}/{space}/simulations"
        return RouteCollection(context: BitgoeulRequestContext.self)
            .post(RouterPath(base), use: start)
            .get(RouterPath(base), use: list)
            .get(RouterPath("\(base)/{id}"), use: show)
            .delete(RouterPath("\(base)/{id}"), use: stop)
    }

    @Sendable func start(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let handle = try space(context)
        let account = try await services.requireAccount(request)
        try await requireOwner(account, of: handle.id)
        let running = services.crowds.inSpace(handle.id).filter { handle.runningCrowds.contains($0.id) }
        guard running.count < Self.crowdsPerSpaceMax else {
            throw APIError(.conflict, "too_many", "at most \(Self.crowdsPerSpaceMax) crowds run in a space at once")
        }
        let text = try await Self.scenarioText(request)
        let simulation = try Self.simulation(from: text, in: handle)
        let crowd = SimulatedCrowd(
            id: services.crowds.newId(handle.id), space: handle.id, scenarioText: text, simulation: simulation)
        services.crowds.add(crowd)
        handle.startCrowd(crowd)
        return JSON.response(crowd.snapshot, status: .created)
    }

    @Sendable func list(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let handle = try space(context)
        let running = Set(handle.runningCrowds)
        let crowds = services.crowds.inSpace(handle.id).map { crowd in
            var s = crowd.snapshot
            s.density = nil
            return (s, running.contains(crowd.id))
        }
        return JSON.response(["simulations": crowds.map { Listed(state: $0.0, running: $0.1) }])
    }

    @Sendable func show(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let handle = try space(context)
        return JSON.response(try crowd(context, in: handle).snapshot)
    }

    @Sendable func stop(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let handle = try space(context)
        let account = try await services.requireAccount(request)
        try await requireOwner(account, of: handle.id)
        let crowd = try crowd(context, in: handle)
        handle.stopCrowd(id: crowd.id)
        services.crowds.remove(crowd.id)
        return Response(status: .noContent)
    }

    func space(_ context: BitgoeulRequestContext) throws -> SpaceHandle {
        let id = "\(context.parameters.get("region") ?? "")/\(context.parameters.get("space") ?? "")"
        guard let handle = services.engine.directory[id] else {
            throw APIError(.notFound, "not_found", "no space '\(id)'")
        }
        return try services.servedHere(handle)
    }

    func crowd(_ context: BitgoeulRequestContext, in handle: SpaceHandle) throws -> SimulatedCrowd {
        guard let id = context.parameters.get("id"), let crowd = services.crowds.get(id), crowd.space == handle.id
        else { throw APIError(.notFound, "not_found", "no such simulation in '\(handle.id)'") }
        return crowd
    }

    /// Starting and stopping digital humans is for owners of the space (or of every space).
    func requireOwner(_ account: Int64, of space: String) async throws {
        guard try await services.role(of: account, in: space) == .owner else {
            throw APIError(.forbidden, "not_allowed", "only an owner of '\(space)' runs simulations in it")
        }
    }

    /// The scenario of the request body: `application/toml`, UTF-8, at most `scenarioBytesMax` bytes.
    static func scenarioText(_ request: Request) async throws -> String {
        try requireMediaType(request, "application/toml")
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: scenarioBytesMax)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "a scenario is at most \(scenarioBytesMax) bytes")
        }
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw APIError.badRequest("a scenario is TOML in UTF-8")
        }
        return text
    }

    /// The crowd of a scenario that lies in the space and is small enough to share its tick.
    static func simulation(from text: String, in handle: SpaceHandle) throws -> CrowdSimulation {
        do {
            let scenario = try Scenario.parse(text, file: "scenario.toml", spaces: [handle.id: handle.space])
            try check(scenario, fits: handle.space)
            return try CrowdSimulation(scenario: scenario, file: "scenario.toml", workers: 1)
        } catch let error as ScenarioError {
            throw APIError.invalid(error.key, error.reason)
        }
    }

    /// The scenario must lie in the space and stay small enough to share the space's tick.
    static func check(_ scenario: Scenario, fits space: Space) throws {
        let box = scenario.walkable.outer.boundingBox
        let b = space.bounds
        guard box.min.x >= b.minX - 1e-6, box.min.y >= b.minY - 1e-6, box.max.x <= b.maxX + 1e-6,
            box.max.y <= b.maxY + 1e-6
        else {
            throw ScenarioError(
                file: "scenario.toml", key: "geometry", reason: "the walkable area reaches outside '\(space.id)'")
        }
        let placed = scenario.groups.compactMap(\.count).reduce(0, +)
        let inflow = scenario.groups.compactMap { g in
            g.inflow.map { $0 * min(g.inflowUntilS, scenario.maxTimeS) }
        }.reduce(0, +)
        guard Double(placed) + inflow <= Double(agentsMax) else {
            throw ScenarioError(
                file: "scenario.toml", key: "groups",
                reason: "a live crowd has at most \(agentsMax) agents (counts plus inflow)")
        }
    }
}
