import Foundation
import Hummingbird
import NIOCore
import Realtime
import Simulation
import Storage
import Synchronization
import WorldModel

/// Digital humans in a live space: an owner starts a crowd scenario (TOML) inside the space, the
/// agents walk among the avatars (who are obstacles to them) and reach clients like avatars,
/// flagged as simulated; anyone may read the density overlay; the owner stops it.
enum SimulationRoutes {
    /// Crowds started through the API, by id, for their published state.
    final class Registry: Sendable {
        private let crowds = Mutex<[String: SimulatedCrowd]>([:])
        private let counter = Mutex(0)

        func add(_ crowd: SimulatedCrowd) { crowds.withLock { $0[crowd.id] = crowd } }
        func remove(_ id: String) { _ = crowds.withLock { $0.removeValue(forKey: id) } }
        func get(_ id: String) -> SimulatedCrowd? { crowds.withLock { $0[id] } }
        func inSpace(_ space: String) -> [SimulatedCrowd] {
            crowds.withLock { Array($0.values.filter { $0.space == space }) }
        }
        func newId(_ space: String) -> String {
            counter.withLock {
                $0 += 1
                return "sim-\($0)"
            }
        }
    }

    static let scenarioBytesMax = 64 * 1024
    static let agentsMax = 5000
    static let crowdsPerSpaceMax = 2

    static func add(to router: Router<BitgoeulRequestContext>, services: Services) {
        let base = "/api/v1/spaces/{region}/{space}/simulations"
        router.post(RouterPath(base)) { request, context -> Response in
            let handle = try space(context, services)
            let account = try await services.requireAccount(request)
            try await requireOwner(account, of: handle.id, services)
            let running = services.crowds.inSpace(handle.id).filter { handle.runningCrowds.contains($0.id) }
            guard running.count < crowdsPerSpaceMax else {
                throw APIError(.conflict, "too_many", "at most \(crowdsPerSpaceMax) crowds run in a space at once")
            }
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
            let simulation: CrowdSimulation
            do {
                let scenario = try Scenario.parse(text, file: "scenario.toml", spaces: [handle.id: handle.space])
                try check(scenario, fits: handle.space)
                simulation = try CrowdSimulation(scenario: scenario, file: "scenario.toml", workers: 1)
            } catch let error as ScenarioError {
                throw APIError.invalid(error.key, error.reason)
            }
            let crowd = SimulatedCrowd(id: services.crowds.newId(handle.id), space: handle.id, simulation: simulation)
            services.crowds.add(crowd)
            handle.startCrowd(crowd)
            return JSON.response(crowd.snapshot, status: .created)
        }

        router.get(RouterPath(base)) { _, context -> Response in
            let handle = try space(context, services)
            let running = Set(handle.runningCrowds)
            let crowds = services.crowds.inSpace(handle.id).map { crowd in
                var s = crowd.snapshot
                s.density = nil
                return (s, running.contains(crowd.id))
            }
            return JSON.response(["simulations": crowds.map { Listed(state: $0.0, running: $0.1) }])
        }

        router.get(RouterPath("\(base)/{id}")) { _, context -> Response in
            let handle = try space(context, services)
            return JSON.response(try crowd(context, in: handle, services).snapshot)
        }

        router.delete(RouterPath("\(base)/{id}")) { request, context -> Response in
            let handle = try space(context, services)
            let account = try await services.requireAccount(request)
            try await requireOwner(account, of: handle.id, services)
            let crowd = try crowd(context, in: handle, services)
            handle.stopCrowd(id: crowd.id)
            services.crowds.remove(crowd.id)
            return Response(status: .noContent)
        }
    }

    struct Listed: Encodable {
        let state: SimulatedCrowd.Published
        let running: Bool
    }

    static func space(_ context: BitgoeulRequestContext, _ services: Services) throws -> SpaceHandle {
        let id = "\(context.parameters.get("region") ?? "")/\(context.parameters.get("space") ?? "")"
        guard let handle = services.engine.directory[id] else {
            throw APIError(.notFound, "not_found", "no space '\(id)'")
        }
        return handle
    }

    static func crowd(_ context: BitgoeulRequestContext, in handle: SpaceHandle, _ services: Services) throws
        -> SimulatedCrowd
    {
        guard let id = context.parameters.get("id"), let crowd = services.crowds.get(id), crowd.space == handle.id
        else { throw APIError(.notFound, "not_found", "no such simulation in '\(handle.id)'") }
        return crowd
    }

    /// Starting and stopping digital humans is for owners of the space (or of every space).
    static func requireOwner(_ account: Int64, of space: String, _ services: Services) async throws {
        guard try await services.role(of: account, in: space) == .owner else {
            throw APIError(.forbidden, "not_allowed", "only an owner of '\(space)' runs simulations in it")
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
