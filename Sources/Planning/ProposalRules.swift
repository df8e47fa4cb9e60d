import Foundation
import Geo
import Simulation
import WorldModel

/// A proposal checked against its space, with every change in the space's east-north-up metres.
public struct Proposal: Sendable {
    /// A building the plan adds: a prism, or a placed model with its outline.
    public struct Added: Sendable {
        public var id: String
        /// What walkers bump into: the footprint, or the outline of a model's triangles.
        public var ring: Polygon
        public var heightM: Double
        public var triangles: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)]
        /// For a model: where its origin stands and its heading (degrees clockwise from north).
        public var model: (at: Point, headingDeg: Double)?
    }

    public var id: String
    public var space: String
    public var document: ProposalDocument
    public var added: [Added]
    public var removed: Set<String>
    public var closed: [(id: String, ring: Polygon)]
    public var scenario: Scenario?

    /// Whether the plan changes any building (and so the sun on roofs and ground).
    public var changesBuildings: Bool { !added.isEmpty || !removed.isEmpty }
}

/// The limits and checks of proposals (docs/planning.md).
public enum ProposalRules {
    public static let bodyBytesMax = 8 * 1024 * 1024
    public static let glbBytesMax = 4 * 1024 * 1024
    public static let glbTrianglesMax = 200_000
    public static let changesMax = 20
    public static let ringPointsMax = 1000
    public static let removedMax = 500
    public static let titleMax = 120
    public static let descriptionMax = 4000
    public static let scenarioBytesMax = 64 * 1024
    public static let heightMaxM = 1000.0
    public static let periodMaxS = 366 * 86_400.0
    /// A plan's crowd: at most this many people (placed and flowing in) and this long a run.
    public static let crowdAgentsMax = 20_000
    public static let crowdTimeMaxS = 3600.0

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// Reads a proposal document from JSON; throws `FieldProblem`.
    public static func decode(_ data: Data) throws -> ProposalDocument {
        guard data.count <= bodyBytesMax else {
            throw FieldProblem("(document)", "is \(data.count) bytes; at most \(bodyBytesMax)")
        }
        do {
            return try decoder().decode(ProposalDocument.self, from: data)
        } catch let error as DecodingError {
            throw FieldProblem(error)
        } catch {
            throw FieldProblem("(document)", "not JSON")
        }
    }

    /// A slug from the English title: lower-case letters and digits, other runs as one dash.
    public static func slug(_ title: String) -> String {
        var out = ""
        for s in title.lowercased().unicodeScalars {
            if (s >= "a" && s <= "z") || (s >= "0" && s <= "9") {
                out.unicodeScalars.append(s)
            } else if !out.isEmpty, !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        out = String(out.prefix(40))
        while out.hasSuffix("-") { out.removeLast() }
        return out.count >= 3 ? out : "plan-" + out
    }

    /// Checks `document` for `space` and turns it into the space's frame; throws `FieldProblem`.
    public static func check(_ document: ProposalDocument, id: String, space: Space, buildings: SpaceBuildings) throws
        -> Proposal
    {
        if let p = FieldProblem.slugProblem(id, lengths: 3...48) { throw FieldProblem("id", p) }
        if let p = FieldProblem.text(document.title, "title", max: titleMax) { throw p }
        if let p = FieldProblem.text(document.description, "description", max: descriptionMax) { throw p }
        let period = document.period
        guard period.closes > period.opens else { throw FieldProblem("period.closes", "ends before it opens") }
        guard period.closes.timeIntervalSince(period.opens) <= periodMaxS else {
            throw FieldProblem("period.closes", "a comment period is at most a year")
        }
        guard (1...changesMax).contains(document.changes.count) else {
            throw FieldProblem("changes", "1 to \(changesMax) changes")
        }
        let frame = LocalFrame(anchor: space.anchor)
        var proposal = Proposal(
            id: id, space: space.id, document: document, added: [], removed: [], closed: [], scenario: nil)
        var seen: Set<String> = []
        for (i, change) in document.changes.enumerated() {
            let at = "changes[\(i)]"
            if case .removeBuildings = change {
            } else if case .crowd = change {
            } else {
                if let p = FieldProblem.slugProblem(change.id, lengths: 1...48) { throw FieldProblem("\(at).id", p) }
            }
            guard seen.insert(change.id).inserted else {
                throw FieldProblem("\(at).id", "'\(change.id)' is used twice (one removal and one crowd at most)")
            }
            switch change {
            case .addBuilding(let changeId, let footprint, let height):
                let ring = try ring(footprint, "\(at).footprint", frame: frame, space: space)
                guard height.isFinite, height > 0, height <= heightMaxM else {
                    throw FieldProblem("\(at).heightM", "must be more than 0 and at most \(Int(heightMaxM)) m")
                }
                let mesh: Mesh
                do {
                    let clean = try RingCleaner.clean(outer: ring.points)
                    mesh = try Extruder.prism(clean, base: space.ground.z, top: space.ground.z + height)
                } catch {
                    throw FieldProblem("\(at).footprint", "cannot be built: \(error)")
                }
                proposal.added.append(
                    Proposal.Added(id: changeId, ring: ring, heightM: height, triangles: mesh.enuTriangles, model: nil))
            case .addModel(let changeId, let glb, let place, let heading):
                proposal.added.append(
                    try model(
                        changeId, glb: glb, place: place, headingDeg: heading, at: at, frame: frame, space: space))
            case .removeBuildings(let ids):
                guard (1...removedMax).contains(ids.count) else {
                    throw FieldProblem("\(at).ids", "1 to \(removedMax) building ids")
                }
                let known = buildings.ids
                for (k, building) in ids.enumerated() where !known.contains(building) {
                    throw FieldProblem("\(at).ids[\(k)]", "no building '\(building.prefix(60))' in \(space.id)")
                }
                proposal.removed.formUnion(ids)
            case .closeArea(let changeId, let area):
                proposal.closed.append((changeId, try ring(area, "\(at).area", frame: frame, space: space)))
            case .crowd(let text):
                guard proposal.scenario == nil else { throw FieldProblem("\(at)", "one crowd scenario at most") }
                guard text.utf8.count <= scenarioBytesMax else {
                    throw FieldProblem("\(at).scenario", "at most \(scenarioBytesMax) bytes")
                }
                let scenario: Scenario
                do {
                    scenario = try Scenario.parse(text, file: "scenario", spaces: [space.id: space])
                } catch let error as ScenarioError {
                    throw FieldProblem("\(at).scenario", "\(error.key): \(error.reason)")
                }
                // The effects queue is shared: a plan's crowd is bounded so it cannot hold it for hours.
                guard scenario.maxTimeS <= crowdTimeMaxS else {
                    throw FieldProblem("\(at).scenario", "run.max_time: at most \(Int(crowdTimeMaxS)) s for a plan")
                }
                let agents = scenario.groups.reduce(0.0) {
                    $0 + Double($1.count ?? 0) + ($1.inflow ?? 0) * min($1.inflowUntilS, scenario.maxTimeS)
                }
                guard agents <= Double(crowdAgentsMax) else {
                    throw FieldProblem("\(at).scenario", "groups: at most \(crowdAgentsMax) people in all for a plan")
                }
                proposal.scenario = scenario
            }
        }
        try checkOverlaps(proposal, buildings: buildings)
        return proposal
    }

    /// One GeoJSON ring in the space's frame, inside its bounds and not crossing itself.
    static func ring(_ polygon: GeoJSONPolygon, _ field: String, frame: LocalFrame, space: Space) throws -> Polygon {
        guard polygon.type == "Polygon" else { throw FieldProblem("\(field).type", "must be \"Polygon\"") }
        guard polygon.coordinates.count == 1, let raw = polygon.coordinates.first else {
            throw FieldProblem("\(field).coordinates", "one ring, without holes")
        }
        guard (4...ringPointsMax + 1).contains(raw.count) else {
            throw FieldProblem("\(field).coordinates", "a ring of 3 to \(ringPointsMax) points (closed)")
        }
        var points: [Point] = []
        for (k, c) in raw.enumerated() {
            guard c.count == 2 || c.count == 3, c[0].isFinite, c[1].isFinite, abs(c[0]) <= 180, abs(c[1]) <= 90 else {
                throw FieldProblem("\(field).coordinates[0][\(k)]", "[longitude, latitude] in degrees")
            }
            let enu = frame.enu(GeoAnchor(latitude: c[1], longitude: c[0], height: space.anchor.height))
            let p = Point(enu.e, enu.n)
            guard space.bounds.contains(p) else {
                throw FieldProblem("\(field).coordinates[0][\(k)]", "lies outside the space \(space.id)")
            }
            points.append(p)
        }
        do {
            return Polygon(try RingCleaner.clean(outer: points).outer)
        } catch {
            let reason =
                switch error.rule {
                case "self_intersection": "the ring crosses itself (\(error.detail))"
                case "zero_area", "too_few_points": "the ring has no area"
                default: error.description
                }
            throw FieldProblem("\(field).coordinates", reason)
        }
    }

    /// A GLB placed at `place`, turned by `headingDeg`: its triangles in the space and their outline.
    static func model(
        _ id: String, glb: Data, place: LatLon, headingDeg: Double, at: String, frame: LocalFrame, space: Space
    ) throws -> Proposal.Added {
        guard glb.count <= glbBytesMax else { throw FieldProblem("\(at).glb", "at most \(glbBytesMax) bytes") }
        guard abs(place.latitude) <= 90, abs(place.longitude) <= 180, headingDeg.isFinite else {
            throw FieldProblem("\(at).at", "a WGS84 latitude and longitude, and a finite heading")
        }
        let items: [GLBReader.Item]
        do {
            items = try GLBReader.decode(glb, trianglesMax: glbTrianglesMax)
        } catch {
            throw FieldProblem(
                "\(at).glb", "not a valid glTF 2.0 binary of at most \(glbTrianglesMax) triangles: \(error)")
        }
        if let item = items.first(where: { $0.unsupported != nil }), let what = item.unsupported {
            throw FieldProblem("\(at).glb", "uses \(what); give one triangle mesh per node, without transforms")
        }
        let local = items.flatMap(\.mesh.enuTriangles)
        guard !local.isEmpty, local.count <= glbTrianglesMax else {
            throw FieldProblem("\(at).glb", "1 to \(glbTrianglesMax) triangles")
        }
        let origin = frame.enu(GeoAnchor(latitude: place.latitude, longitude: place.longitude, height: 0))
        let h = headingDeg * .pi / 180
        func placed(_ v: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3(
                origin.e + v.x * cos(h) + v.y * sin(h), origin.n - v.x * sin(h) + v.y * cos(h), space.ground.z + v.z)
        }
        let triangles = local.map { (placed($0.0), placed($0.1), placed($0.2)) }
        let corners = triangles.flatMap { [$0.0, $0.1, $0.2] }
        guard corners.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw FieldProblem("\(at).glb", "has a position that is not a finite number")
        }
        let top = corners.map(\.z).max()! - space.ground.z
        guard top > 0, top <= heightMaxM else {
            throw FieldProblem("\(at).glb", "the model must stand 0 to \(Int(heightMaxM)) m above the ground")
        }
        let hull = ConvexHull.of(corners.map { Point($0.x, $0.y) })
        guard hull.count >= 3 else { throw FieldProblem("\(at).glb", "the model has no footprint") }
        guard hull.allSatisfy(space.bounds.contains) else {
            throw FieldProblem("\(at).at", "the model reaches outside the space \(space.id)")
        }
        return Proposal.Added(
            id: id, ring: Polygon(hull), heightM: top, triangles: triangles,
            model: (Point(origin.e, origin.n), headingDeg))
    }

    /// A new building may not stand in a building that stays, nor in another new one.
    static func checkOverlaps(_ p: Proposal, buildings: SpaceBuildings) throws {
        let staying = buildings.buildings.filter { !p.removed.contains($0.id) }
        for (i, a) in p.added.enumerated() {
            let field = "changes[\(p.document.changes.firstIndex { $0.id == a.id } ?? i)]"
            for b in staying where b.footprints.contains(where: { overlap(a.ring, $0) }) {
                throw FieldProblem(field, "overlaps the building '\(b.id)' (remove it in the same proposal)")
            }
            for other in p.added.prefix(i) where overlap(a.ring, other.ring) {
                throw FieldProblem(field, "overlaps the new building '\(other.id)'")
            }
        }
    }

    /// Whether two simple polygons share area or edges.
    static func overlap(_ a: Polygon, _ b: Polygon) -> Bool {
        let (aLo, aHi) = a.boundingBox
        let (bLo, bHi) = b.boundingBox
        guard aLo.x <= bHi.x, bLo.x <= aHi.x, aLo.y <= bHi.y, bLo.y <= aHi.y else { return false }
        if a.points.contains(where: b.contains) || b.points.contains(where: a.contains) { return true }
        let aEdges = a.points.indices.map { Segment(a.points[$0], a.points[($0 + 1) % a.points.count]) }
        let bEdges = b.points.indices.map { Segment(b.points[$0], b.points[($0 + 1) % b.points.count]) }
        return aEdges.contains { e in bEdges.contains(where: e.intersects) }
    }
}

/// Andrew's monotone chain: the convex hull, counter-clockwise, without collinear points.
enum ConvexHull {
    static func of(_ points: [Point]) -> [Point] {
        let sorted = Set(points).sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        guard sorted.count >= 3 else { return sorted }
        func cross(_ o: Point, _ a: Point, _ b: Point) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [Point] = []
        for p in sorted {
            while lower.count >= 2, cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
            lower.append(p)
        }
        var upper: [Point] = []
        for p in sorted.reversed() {
            while upper.count >= 2, cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
            upper.append(p)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }
}
