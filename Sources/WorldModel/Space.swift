/// A WGS84 position that anchors a space's local East-North-Up frame.
public struct GeoAnchor: Hashable, Sendable, Codable {
    /// Degrees north, -90...90.
    public var latitude: Double
    /// Degrees east, -180...180.
    public var longitude: Double
    /// Ellipsoidal height in metres.
    public var height: Double

    public init(latitude: Double, longitude: Double, height: Double = 0) {
        self.latitude = latitude
        self.longitude = longitude
        self.height = height
    }
}

/// Text in Korean and English; Korean is the primary language of the city.
public struct LocalizedText: Hashable, Sendable, Codable {
    public var ko: String
    public var en: String

    public init(ko: String, en: String) {
        self.ko = ko
        self.en = en
    }
}

/// A place where a new or teleported avatar appears.
public struct SpawnPoint: Hashable, Sendable, Codable {
    public var position: Point
    /// Height of the feet in metres.
    public var z: Double
    /// Facing, radians counter-clockwise from east.
    public var heading: Double

    public init(position: Point, z: Double = 0, heading: Double = 0) {
        self.position = position
        self.z = z
        self.heading = heading
    }

    enum CodingKeys: String, CodingKey { case position, z, heading }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        position = try c.decode(Point.self, forKey: .position)
        z = try c.decodeIfPresent(Double.self, forKey: .z) ?? 0
        heading = try c.decodeIfPresent(Double.self, forKey: .heading) ?? 0
    }
}

/// A doorway to another space: walking within `radius` of `position` lets an avatar pass.
public struct Portal: Hashable, Sendable, Codable {
    public var id: String
    public var name: LocalizedText
    public var position: Point
    /// Metres; an avatar must stand this close to use the portal.
    public var radius: Double
    /// The destination space's id (`region/space`).
    public var target: String
    /// The server id of the peer city the target lies in (docs/federation.md); nil for a space of this world.
    public var city: String?

    public init(id: String, name: LocalizedText, position: Point, radius: Double, target: String, city: String? = nil) {
        self.id = id
        self.name = name
        self.position = position
        self.radius = radius
        self.target = target
        self.city = city
    }
}

/// Where avatars stand: on a ground plane, and whether anything but walking may leave it.
///
/// The server decides every avatar's height from this rule; a client's claimed `z` never lifts a
/// walking or running avatar off the ground (terrain will replace the plane later).
public struct GroundRule: Hashable, Sendable, Codable {
    /// Height of the ground plane in the space's frame (metres, up).
    public var z: Double
    /// How fast an avatar that is neither walking nor running may change height (m/s); nil keeps
    /// everyone on the ground.
    public var verticalSpeedMaxMps: Double?

    public init(z: Double = 0, verticalSpeedMaxMps: Double? = nil) {
        self.z = z
        self.verticalSpeedMaxMps = verticalSpeedMaxMps
    }
}

/// Whether a space is open sky or a room: the client lights them differently.
public enum SpaceKind: String, Hashable, Sendable, Codable {
    case outdoor
    case indoor
}

/// One walkable place of the mirror world, with its own ENU frame, bounds and rules.
public struct Space: Hashable, Sendable, Codable, Identifiable {
    /// `region/space`, lowercase letters, digits and dashes.
    public var id: String
    public var name: LocalizedText
    public var kind: SpaceKind
    public var anchor: GeoAnchor
    public var bounds: Bounds
    public var spawns: [SpawnPoint]
    public var obstacles: [Polygon]
    public var portals: [Portal]
    /// Most avatars the space admits at once.
    public var capacity: Int
    /// Whether visitors without an account may enter with a throw-away persona.
    public var allowGuests: Bool
    /// Where the anchor and geometry come from, shown to users as credit.
    public var attribution: String?
    /// The ground avatars stand on.
    public var ground: GroundRule

    public init(
        id: String, name: LocalizedText, kind: SpaceKind, anchor: GeoAnchor, bounds: Bounds,
        spawns: [SpawnPoint], obstacles: [Polygon] = [], portals: [Portal] = [], capacity: Int,
        allowGuests: Bool = true, attribution: String? = nil, ground: GroundRule? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.anchor = anchor
        self.bounds = bounds
        self.spawns = spawns
        self.obstacles = obstacles
        self.portals = portals
        self.capacity = capacity
        self.allowGuests = allowGuests
        self.attribution = attribution
        self.ground = ground ?? GroundRule(z: bounds.minZ)
    }
}

/// A named group of spaces, usually one city.
public struct Region: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    public var name: LocalizedText
    public var spaces: [Space]

    public init(id: String, name: LocalizedText, spaces: [Space]) {
        self.id = id
        self.name = name
        self.spaces = spaces
    }
}

/// Everything one server hosts.
public struct World: Hashable, Sendable {
    public var regions: [Region]

    public init(regions: [Region]) {
        self.regions = regions
    }

    public var spaces: [Space] { regions.flatMap(\.spaces) }

    public func space(id: String) -> Space? {
        for region in regions {
            if let space = region.spaces.first(where: { $0.id == id }) { return space }
        }
        return nil
    }
}
