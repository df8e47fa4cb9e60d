import Docent
import Foundation
import Hummingbird
import Realtime
import Simulation
import Storage
import Synchronization
import WorldModel

/// Exhibitions and the docent over HTTP: list and read exhibitions (works joined with their
/// catalogue records), curators publish new ones, and visitors ask the docent — boosted by the
/// works they stand near.
enum ExhibitionRoutes {
    /// The exhibitions on show: those shipped with the world, then those curators saved.
    final class Book: Sendable {
        private let items = Mutex<[String: Exhibition]>([:])

        init(_ exhibitions: [Exhibition]) {
            items.withLock { all in for e in exhibitions { all[e.id] = e } }
        }

        func put(_ e: Exhibition) { items.withLock { $0[e.id] = e } }
        func get(_ id: String) -> Exhibition? { items.withLock { $0[id] } }
        func all(space: String? = nil) -> [Exhibition] {
            items.withLock { Array($0.values) }.filter { space == nil || $0.space == space }.sorted { $0.id < $1.id }
        }
    }

    struct Summary: Encodable {
        let id: String
        let space: String
        let title: Exhibition.Title
        let from: String
        let to: String
        let curator: String
        let works: Int
    }

    /// A placement with its catalogue record, for the client's frames and panels.
    struct Shown: Encodable {
        let placement: Exhibition.Placement
        let artwork: Artwork
    }

    struct Full: Encodable {
        let exhibition: Exhibition
        let works: [Shown]
    }

    struct AskInput: Decodable {
        let question: String
        let space: String?
        let x: Double?
        let y: Double?
        let near: [String]?
    }

    struct TourInput: Decodable {
        let space: String
        let interests: String
        let budgetS: Double
        let x: Double?
        let y: Double?
    }

    /// A docent answer and who phrased it: the catalogue's own sentence, or the configured model.
    struct Phrased: Encodable {
        let answer: String
        let artworks: [String]
        let intent: Docent.Intent
        let language: String
        let phrasedBy: String

        init(answer: Docent.Answer, phrasedBy: String) {
            self.answer = answer.answer
            artworks = answer.artworks
            intent = answer.intent
            language = answer.language
            self.phrasedBy = phrasedBy
        }
    }

    struct GuideInput: Decodable {
        let interests: String
        let budgetS: Double
        /// Seconds the guide spends at each work (5–600, default 60).
        let dwellS: Double?
    }

    /// Works within this distance of the visitor count as "near" for the docent.
    static let nearM = 6.0
    /// Artwork ids a question may name as near the visitor.
    static let nearMax = 20

    static func add(to router: Router<BitgoeulRequestContext>, services: Services) {
        router.get("/api/v1/exhibitions") { request, _ -> Response in
            let space = request.uri.queryParameters.get("space")
            let list = services.exhibitions.all(space: space).map {
                Summary(
                    id: $0.id, space: $0.space, title: $0.title, from: $0.from, to: $0.to, curator: $0.curator,
                    works: $0.works.count)
            }
            return JSON.response(["exhibitions": list])
        }

        router.get("/api/v1/exhibitions/{id}") { _, context -> Response in
            guard let id = context.parameters.get("id"), let e = services.exhibitions.get(id) else {
                throw APIError(.notFound, "not_found", "no such exhibition")
            }
            let byId = services.docent.artworksById
            return JSON.response(
                Full(
                    exhibition: e,
                    works: e.works.compactMap { p in byId[p.artwork].map { Shown(placement: p, artwork: $0) } }))
        }

        router.post("/api/v1/exhibitions") { request, context -> Response in
            let account = try await services.requireAccount(request)
            let e = try await request.decode(as: Exhibition.self, context: context)
            guard services.engine.directory[e.space] != nil else {
                throw APIError.invalid("space", "no space '\(e.space)'")
            }
            let role = try await services.role(of: account, in: e.space)
            guard role == .curator || role == .owner else {
                throw APIError(
                    .forbidden, "not_allowed", "curators and owners of '\(e.space)' publish exhibitions there")
            }
            if let problem = e.problem(catalogue: Set(services.docent.artworksById.keys)) {
                throw APIError.invalid(String(problem.prefix { $0 != ":" }), problem)
            }
            let json = String(decoding: try JSONEncoder().encode(e), as: UTF8.self)
            try await services.store.saveExhibition(id: e.id, space: e.space, json: json, now: Date())
            services.exhibitions.put(e)
            return JSON.response(e, status: .created)
        }

        router.post("/api/v1/spaces/{region}/{space}/tours") { request, context -> Response in
            let id = "\(context.parameters.get("region") ?? "")/\(context.parameters.get("space") ?? "")"
            guard let space = services.world.space(id: id), let handle = services.engine.directory[id] else {
                throw APIError(.notFound, "not_found", "no space '\(id)'")
            }
            let account = try await services.requireAccount(request)
            guard try await services.role(of: account, in: id) >= .docent else {
                throw APIError(.forbidden, "not_allowed", "docents (and up) of '\(id)' send the NPC docent on tours")
            }
            let input = try await request.decode(as: GuideInput.self, context: context)
            let dwell = input.dwellS ?? 60
            guard (5...600).contains(dwell) else { throw APIError.invalid("dwellS", "5 to 600 seconds") }
            let start =
                space.spawns.first.map { ($0.position.x, $0.position.y) } ?? (space.bounds.minX, space.bounds.minY)
            let (plan, walkable) = try planTour(
                space: space, interests: input.interests, budgetS: input.budgetS, start: start, dwellS: dwell,
                services: services)
            let guide = PlannedTourGuide(name: "도슨트 빛고을 (NPC)", plan: plan, walkable: walkable, dwellS: dwell)
            handle.startGuide(guide, at: Point(start.0, start.1))
            return JSON.response(plan, status: .created)
        }

        router.post("/api/v1/docent/tour") { request, context -> Response in
            let input = try await request.decode(as: TourInput.self, context: context)
            guard let space = services.world.space(id: input.space) else {
                throw APIError.invalid("space", "no space '\(input.space)'")
            }
            let here =
                space.spawns.first.map { ($0.position.x, $0.position.y) } ?? (space.bounds.minX, space.bounds.minY)
            let start = (input.x ?? here.0, input.y ?? here.1)
            return JSON.response(
                try planTour(
                    space: space, interests: input.interests, budgetS: input.budgetS, start: start, dwellS: 60,
                    services: services
                ).0)
        }

        router.post("/api/v1/docent/ask") { request, context -> Response in
            let input = try await request.decode(as: AskInput.self, context: context)
            guard (input.near?.count ?? 0) <= nearMax else {
                throw APIError.invalid("near", "at most \(nearMax) artwork ids")
            }
            var near = input.near ?? []
            if let space = input.space, let x = input.x, let y = input.y, x.isFinite, y.isFinite {
                near += services.exhibitions.all(space: space).flatMap { $0.works(near: x, y, radius: nearM) }.map(
                    \.artwork)
            }
            let docent = services.docent
            var answer: Docent.Answer
            do throws(Docent.QuestionError) {
                answer = try docent.ask(input.question, near: near)
            } catch {
                throw APIError.invalid("question", error.reason)
            }
            var phrasedBy = "catalogue"
            if let llm = services.config.docentLLM, !answer.artworks.isEmpty, services.llmBudget.take() {
                let byId = docent.artworksById
                let phrased = await LLMPhraser(config: llm).phrase(
                    question: input.question, answer: answer, passages: answer.artworks.compactMap { byId[$0] })
                answer.answer = phrased.text
                phrasedBy = phrased.byModel ? "model" : "catalogue"
            }
            return JSON.response(Phrased(answer: answer, phrasedBy: phrasedBy))
        }
    }
}

/// Curator narration for an artwork, in Korean and English; the docent speaks it from then on.
enum NarrationRoutes {
    struct Input: Decodable {
        let ko: String?
        let en: String?
    }

    static let lengthMax = 4000

    static func add(to router: Router<BitgoeulRequestContext>, services: Services) {
        router.put("/api/v1/artworks/{id}/narration") { request, context -> Response in
            let account = try await services.requireAccount(request)
            let roles = try await services.store.roles(account: account)
            guard roles.values.contains(where: { $0 == .curator || $0 == .owner }) else {
                throw APIError(.forbidden, "not_allowed", "narration is written by curators")
            }
            guard let id = context.parameters.get("id"), services.docent.artworksById[id] != nil else {
                throw APIError(.notFound, "not_found", "no such artwork in the catalogue")
            }
            let input = try await request.decode(as: Input.self, context: context)
            for (field, text) in [("ko", input.ko), ("en", input.en)] {
                if let text, text.unicodeScalars.count > lengthMax {
                    throw APIError.invalid(field, "narration is at most \(lengthMax) characters")
                }
            }
            try await services.store.saveNarration(artwork: id, ko: input.ko, en: input.en, now: Date())
            services.docentHolder.setNarrations(try await services.store.narrations())
            return JSON.response(services.docent.artworksById[id])
        }
    }
}

extension ExhibitionRoutes {
    /// Plans a tour of the works on show in `space`, with walking distances along its floor.
    static func planTour(
        space: Space, interests: String, budgetS: Double, start: (Double, Double), dwellS: Double,
        services: Services
    ) throws -> (TourPlanner.Plan, Walkable) {
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
