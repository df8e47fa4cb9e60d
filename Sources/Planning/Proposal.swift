import Foundation
import WorldModel

/// A GeoJSON polygon as planners write it: rings of [longitude, latitude] (docs/planning.md).
public struct GeoJSONPolygon: Hashable, Sendable, Codable {
    public var type: String
    public var coordinates: [[[Double]]]

    public init(ring: [(longitude: Double, latitude: Double)]) {
        type = "Polygon"
        coordinates = [ring.map { [$0.longitude, $0.latitude] } + [[ring[0].longitude, ring[0].latitude]]]
    }
}

/// A WGS84 point without height.
public struct LatLon: Hashable, Sendable, Codable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// One change a proposal makes to its space, as written (WGS84).
public enum ProposalChange: Hashable, Sendable {
    /// A prism: footprint (one ring) and height above the ground.
    case addBuilding(id: String, footprint: GeoJSONPolygon, heightM: Double)
    /// A glTF 2.0 binary, its origin put at `at`, turned `headingDeg` clockwise from north.
    case addModel(id: String, glb: Data, at: LatLon, headingDeg: Double)
    /// Buildings of the space that the plan takes away, by their ids.
    case removeBuildings(ids: [String])
    /// An area walkers may not enter (a stage, a fenced site).
    case closeArea(id: String, area: GeoJSONPolygon)
    /// A crowd scenario (TOML, docs/simulation.md) run with and without the plan.
    case crowd(scenario: String)

    public var kind: String {
        switch self {
        case .addBuilding: "add_building"
        case .addModel: "add_model"
        case .removeBuildings: "remove_buildings"
        case .closeArea: "close_area"
        case .crowd: "crowd"
        }
    }

    /// The change's own id; removals and the crowd have fixed ones.
    public var id: String {
        switch self {
        case .addBuilding(let id, _, _), .addModel(let id, _, _, _), .closeArea(let id, _): id
        case .removeBuildings: "remove"
        case .crowd: "crowd"
        }
    }
}

extension ProposalChange: Codable {
    enum Keys: String, CodingKey { case kind, id, footprint, heightM, glb, at, headingDeg, ids, area, scenario }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "add_building":
            self = .addBuilding(
                id: try c.decode(String.self, forKey: .id),
                footprint: try c.decode(GeoJSONPolygon.self, forKey: .footprint),
                heightM: try c.decode(Double.self, forKey: .heightM))
        case "add_model":
            let text = try c.decode(String.self, forKey: .glb)
            guard text.utf8.count <= ProposalRules.glbBytesMax * 4 / 3 + 8, let glb = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .glb, in: c,
                    debugDescription: "base64 of a GLB of at most \(ProposalRules.glbBytesMax) bytes")
            }
            self = .addModel(
                id: try c.decode(String.self, forKey: .id), glb: glb, at: try c.decode(LatLon.self, forKey: .at),
                headingDeg: try c.decodeIfPresent(Double.self, forKey: .headingDeg) ?? 0)
        case "remove_buildings":
            self = .removeBuildings(ids: try c.decode([String].self, forKey: .ids))
        case "close_area":
            self = .closeArea(
                id: try c.decode(String.self, forKey: .id), area: try c.decode(GeoJSONPolygon.self, forKey: .area))
        case "crowd":
            self = .crowd(scenario: try c.decode(String.self, forKey: .scenario))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c,
                debugDescription:
                    "'\(kind.prefix(40))' is not a change: add_building, add_model, remove_buildings, close_area or crowd"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(kind, forKey: .kind)
        switch self {
        case .addBuilding(let id, let footprint, let height):
            try c.encode(id, forKey: .id)
            try c.encode(footprint, forKey: .footprint)
            try c.encode(height, forKey: .heightM)
        case .addModel(let id, let glb, let at, let heading):
            try c.encode(id, forKey: .id)
            try c.encode(glb.base64EncodedString(), forKey: .glb)
            try c.encode(at, forKey: .at)
            try c.encode(heading, forKey: .headingDeg)
        case .removeBuildings(let ids):
            try c.encode(ids, forKey: .ids)
        case .closeArea(let id, let area):
            try c.encode(id, forKey: .id)
            try c.encode(area, forKey: .area)
        case .crowd(let scenario):
            try c.encode(scenario, forKey: .scenario)
        }
    }
}

/// A proposal as a planner writes it: what the plan is, when the public may speak, what it changes.
public struct ProposalDocument: Hashable, Sendable, Codable {
    public struct Period: Hashable, Sendable, Codable {
        public var opens: Date
        public var closes: Date

        public init(opens: Date, closes: Date) {
            self.opens = opens
            self.closes = closes
        }

        /// Draft before it opens, open until it closes, closed after.
        public func state(at now: Date) -> ProposalState {
            now < opens ? .draft : now < closes ? .open : .closed
        }
    }

    /// a-z 0-9 -, 3–48; made from the English title when a POST leaves it out.
    public var id: String?
    /// `region/space`; given in shipped files, taken from the path on POST.
    public var space: String?
    public var title: LocalizedText
    public var description: LocalizedText
    public var period: Period
    public var changes: [ProposalChange]

    public init(
        id: String?, space: String?, title: LocalizedText, description: LocalizedText, period: Period,
        changes: [ProposalChange]
    ) {
        self.id = id
        self.space = space
        self.title = title
        self.description = description
        self.period = period
        self.changes = changes
    }
}

public enum ProposalState: String, Sendable, Codable {
    case draft, open, closed
}
