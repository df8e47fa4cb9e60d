import Docent
import Foundation
import Hummingbird
import Realtime
import Simulation
import Storage
import WorldModel

/// Tours of the works on show, walked along the floor: planned for a visitor, or walked by the
/// NPC docent that a docent of the space sends out.
struct ToursController {
    let services: Services

    struct TourInput: Decodable {
        let space: String
        let interests: String
        let budgetS: Double
        let x: Double?
        let y: Double?
    }

    struct GuideInput: Decodable {
        let interests: String
        let budgetS: Double
        /// Seconds the guide spends at each work (5–600, default 60).
        let dwellS: Double?
    }

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .post("/api/v1/docent/tour", use: plan)
            .post("/api/v1/spaces/{region}/{space}/tours", use: startGuide)
    }

    /// A tour plan for a visitor starting at (x, y), or at the space's first spawn point.
    @Sendable func plan(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let input = try await request.decode(as: TourInput.self, context: context)
        guard let space = services.world.space(id: input.space) else {
            throw APIError.invalid("space", "no space '\(input.space)'")
        }
        let here = Self.entrance(of: space)
        let start = (input.x ?? here.0, input.y ?? here.1)
        let (plan, _) = try planTour(
            space: space, interests: input.interests, budgetS: input.budgetS, start: start, dwellS: 60)
        return JSON.response(plan)
    }

    /// Sends the NPC docent on a planned tour of the space; docents (and up) of the space only.
    @Sendable func startGuide(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let id = "\(context.parameters.get("region") ?? "")/\(context.parameters.get("space") ?? "")"
        guard let space = services.world.space(id: id), let found = services.engine.directory[id] else {
            throw APIError(.notFound, "not_found", "no space '\(id)'")
        }
        let handle = try services.servedHere(found)
        let account = try await services.requireAccount(request)
        guard try await services.role(of: account, in: id) >= .docent else {
            throw APIError(.forbidden, "not_allowed", "docents (and up) of '\(id)' send the NPC docent on tours")
        }
        let input = try await request.decode(as: GuideInput.self, context: context)
        let dwell = input.dwellS ?? 60
        guard (5...600).contains(dwell) else { throw APIError.invalid("dwellS", "5 to 600 seconds") }
        let start = Self.entrance(of: space)
        let (plan, walkable) = try planTour(
            space: space, interests: input.interests, budgetS: input.budgetS, start: start, dwellS: dwell)
        let guide = PlannedTourGuide(name: "도슨트 빛고을 (NPC)", plan: plan, walkable: walkable, dwellS: dwell)
        handle.startGuide(guide, at: Point(start.0, start.1))
        return JSON.response(plan, status: .created)
    }

    /// Where a tour starts by default: the first spawn point, or the space's corner.
    static func entrance(of space: Space) -> (Double, Double) {
        space.spawns.first.map { ($0.position.x, $0.position.y) } ?? (space.bounds.minX, space.bounds.minY)
    }

    /// Plans a tour of the works on show in `space`, with walking distances along its floor.
    func planTour(space: Space, interests: String, budgetS: Double, start: (Double, Double), dwellS: Double)
        throws -> (TourPlanner.Plan, Walkable)
    {
        let works = services.exhibitions.all(space: space.id).flatMap(\.works)
        let walkable = Walkable(space: space)
        // Walking distance to each work along the floor, never through walls.
        var fields: [String: DistanceField] = [:]
        for w in works where fields[w.artwork] == nil {
            fields[w.artwork] = DistanceField.toward(Point(w.x, w.y), over: walkable, penalty: 1)
        }
        let byPlace = Dictionary(works.map { ("\($0.x),\($0.y)", $0.artwork) }, uniquingKeysWith: { a, _ in a })
        var planner = TourPlanner()
        planner.dwellS = dwellS
        do throws(TourPlanner.PlanError) {
            let plan = try planner.plan(
                interests: interests, budgetS: budgetS, start: start, docent: services.docent, works: works
            ) { from, to in
                guard let id = byPlace["\(to.x),\(to.y)"], let field = fields[id] else { return nil }
                let d = field.distance(at: Point(from.x, from.y))
                return d.isFinite ? Double(d) : nil
            }
            return (plan, walkable)
        } catch {
            throw APIError.invalid("tour", error.reason)
        }
    }
}
