import Foundation

/// A manifest that cannot be loaded: which file, which field, and why.
public struct ManifestError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var field: String
    public var reason: String

    public init(file: String, field: String, reason: String) {
        self.file = file
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(file): \(field): \(reason)" }
}

/// Reads a region directory: `region.json` plus `spaces/<name>/space.json` for each listed space.
///
/// Every rule a running server relies on is checked here, at start-up, so a bad manifest stops
/// the server with a precise message instead of failing later.
public enum ManifestLoader {
    public static let fileBytesMax = 8 * 1024 * 1024
    public static let spacesMax = 256
    public static let spawnsMax = 64
    public static let portalsMax = 64
    public static let obstaclesMax = 20_000
    public static let polygonPointsMax = 4096
    public static let capacityMax = 20_000
    public static let extentMax = 20_000.0

    /// The on-disk form of `region.json`.
    struct RegionFile: Decodable {
        var format: Int
        var id: String
        var name: LocalizedText
        var spaces: [String]
    }

    /// The on-disk form of `space.json`: like `Space` but with a short id.
    struct SpaceFile: Decodable {
        var id: String
        var name: LocalizedText
        var kind: SpaceKind
        var anchor: GeoAnchor
        var bounds: Bounds
        var spawns: [SpawnPoint]
        var obstacles: [Polygon]?
        var portals: [Portal]?
        var capacity: Int
        var allowGuests: Bool?
        var attribution: String?
        var ground: GroundRule?
    }

    /// Loads one region and checks that every portal leads to a space in it.
    public static func loadWorld(directories: [URL]) throws(ManifestError) -> World {
        var regions: [Region] = []
        for directory in directories { regions.append(try loadRegion(directory: directory)) }
        let world = World(regions: regions)
        let ids = Set(world.spaces.map(\.id))
        guard ids.count == world.spaces.count else {
            throw ManifestError(file: directories.first?.path ?? "", field: "spaces", reason: "space ids repeat")
        }
        for (region, directory) in zip(regions, directories) {
            for space in region.spaces {
                for (i, portal) in space.portals.enumerated() where portal.city == nil && !ids.contains(portal.target) {
                    let short = space.id.dropFirst(region.id.count + 1)
                    throw ManifestError(
                        file: directory.appendingPathComponent("spaces/\(short)/space.json").path,
                        field: "portals[\(i)].target", reason: "no space '\(portal.target)' in this world")
                }
            }
        }
        return world
    }

    public static func loadRegion(directory: URL) throws(ManifestError) -> Region {
        let regionURL = directory.appendingPathComponent("region.json")
        let file: RegionFile = try decode(regionURL)
        let path = regionURL.path
        guard file.format == 1 else {
            throw ManifestError(file: path, field: "format", reason: "this server reads format 1, not \(file.format)")
        }
        try check(id: file.id, file: path, field: "id")
        try check(text: file.name, file: path, field: "name")
        guard !file.spaces.isEmpty, file.spaces.count <= spacesMax else {
            throw ManifestError(file: path, field: "spaces", reason: "list 1 to \(spacesMax) spaces")
        }
        var spaces: [Space] = []
        for (i, name) in file.spaces.enumerated() {
            try check(id: name, file: path, field: "spaces[\(i)]")
            let url = directory.appendingPathComponent("spaces/\(name)/space.json")
            spaces.append(try loadSpace(url, region: file.id, expectedId: name))
        }
        return Region(id: file.id, name: file.name, spaces: spaces)
    }

    static func loadSpace(_ url: URL, region: String, expectedId: String) throws(ManifestError) -> Space {
        let f: SpaceFile = try decode(url)
        // Imported building footprints, where they exist, replace the schematic obstacles.
        let footprintsURL = url.deletingLastPathComponent().appendingPathComponent("footprints.json")
        var footprints: [Polygon]?
        if FileManager.default.fileExists(atPath: footprintsURL.path) { footprints = try decode(footprintsURL) }
        return try check(f, file: url.path, region: region, expectedId: expectedId, footprints: footprints)
    }

    /// Reads and checks one `space.json` from memory (no footprints file): what the loader does
    /// with every space, for tools and fuzzing.
    public static func parseSpace(_ data: Data, file: String, region: String, expectedId: String)
        throws(ManifestError) -> Space
    {
        let f: SpaceFile = try decode(data, path: file)
        return try check(f, file: file, region: region, expectedId: expectedId, footprints: nil)
    }

    static func check(_ f: SpaceFile, file path: String, region: String, expectedId: String, footprints: [Polygon]?)
        throws(ManifestError) -> Space
    {
        func fail(_ field: String, _ reason: String) -> ManifestError {
            ManifestError(file: path, field: field, reason: reason)
        }
        guard f.id == expectedId else { throw fail("id", "is '\(f.id)' but the folder is '\(expectedId)'") }
        try check(text: f.name, file: path, field: "name")
        let a = f.anchor
        guard (-90...90).contains(a.latitude) else { throw fail("anchor.latitude", "must be within -90...90 degrees") }
        guard (-180...180).contains(a.longitude) else {
            throw fail("anchor.longitude", "must be within -180...180 degrees")
        }
        guard (-500...9000).contains(a.height) else { throw fail("anchor.height", "must be within -500...9000 m") }
        let b = f.bounds
        for (name, v) in [
            ("minX", b.minX), ("minY", b.minY), ("maxX", b.maxX), ("maxY", b.maxY), ("minZ", b.minZ), ("maxZ", b.maxZ),
        ]
        where !v.isFinite {
            throw fail("bounds.\(name)", "must be a finite number")
        }
        guard b.maxX > b.minX, b.maxY > b.minY, b.maxZ >= b.minZ else {
            throw fail("bounds", "each max must exceed its min")
        }
        guard b.width <= extentMax, b.depth <= extentMax, b.height <= 1000 else {
            throw fail("bounds", "a space is at most \(Int(extentMax)) m across and 1000 m high")
        }
        guard (1...capacityMax).contains(f.capacity) else {
            throw fail("capacity", "must be within 1...\(capacityMax)")
        }
        let obstacles = footprints ?? f.obstacles ?? []
        guard obstacles.count <= obstaclesMax else { throw fail("obstacles", "at most \(obstaclesMax) polygons") }
        for (i, polygon) in obstacles.enumerated() {
            guard (3...polygonPointsMax).contains(polygon.points.count) else {
                throw fail("obstacles[\(i)]", "a polygon has 3 to \(polygonPointsMax) points")
            }
            guard abs(polygon.signedArea) > 1e-6 else { throw fail("obstacles[\(i)]", "the polygon has no area") }
        }
        guard !f.spawns.isEmpty, f.spawns.count <= spawnsMax else {
            throw fail("spawns", "list 1 to \(spawnsMax) spawn points")
        }
        for (i, spawn) in f.spawns.enumerated() {
            guard b.contains(spawn.position), (b.minZ...b.maxZ).contains(spawn.z) else {
                throw fail("spawns[\(i)]", "must lie inside the bounds")
            }
            if let o = obstacles.firstIndex(where: { $0.contains(spawn.position) }) {
                throw fail("spawns[\(i)]", "lies inside obstacles[\(o)]")
            }
            guard spawn.heading.isFinite else { throw fail("spawns[\(i)].heading", "must be a finite number") }
        }
        let portals = f.portals ?? []
        guard portals.count <= portalsMax else { throw fail("portals", "at most \(portalsMax) portals") }
        var portalIds = Set<String>()
        for (i, portal) in portals.enumerated() {
            try check(id: portal.id, file: path, field: "portals[\(i)].id")
            guard portalIds.insert(portal.id).inserted else { throw fail("portals[\(i)].id", "repeats '\(portal.id)'") }
            try check(text: portal.name, file: path, field: "portals[\(i)].name")
            guard b.contains(portal.position) else {
                throw fail("portals[\(i)].position", "must lie inside the bounds")
            }
            guard (0.5...50).contains(portal.radius) else {
                throw fail("portals[\(i)].radius", "must be within 0.5...50 m")
            }
            if let city = portal.city {
                let hostName = city.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "."
                }
                guard hostName, (3...253).contains(city.utf8.count) else {
                    throw fail("portals[\(i)].city", "a peer city's server id, a host name such as daegu.example")
                }
                guard portal.target.split(separator: "/").count == 2 else {
                    throw fail("portals[\(i)].target", "a portal to another city names its space as region/space")
                }
            }
        }
        let ground = f.ground ?? GroundRule(z: b.minZ)
        guard ground.z.isFinite, (b.minZ...b.maxZ).contains(ground.z) else {
            throw fail("ground.z", "must lie within bounds.minZ...bounds.maxZ")
        }
        if let v = ground.verticalSpeedMaxMps, !(v.isFinite && v > 0 && v <= 10) {
            throw fail(
                "ground.verticalSpeedMaxMps", "must be within 0...10 m/s (leave it out to keep everyone on the ground)")
        }
        if let attribution = f.attribution, attribution.count > 500 {
            throw fail("attribution", "at most 500 characters")
        }
        return Space(
            id: "\(region)/\(f.id)", name: f.name, kind: f.kind, anchor: f.anchor, bounds: f.bounds, spawns: f.spawns,
            obstacles: obstacles, portals: portals, capacity: f.capacity, allowGuests: f.allowGuests ?? true,
            attribution: f.attribution, ground: ground)
    }

    static func decode<T: Decodable>(_ url: URL) throws(ManifestError) -> T {
        let path = url.path
        let data: Data
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            guard size <= fileBytesMax else {
                throw ManifestError(file: path, field: "(file)", reason: "larger than \(fileBytesMax) bytes")
            }
            data = try Data(contentsOf: url)
        } catch let error as ManifestError {
            throw error
        } catch {
            throw ManifestError(file: path, field: "(file)", reason: "cannot be read")
        }
        return try decode(data, path: path)
    }

    static func decode<T: Decodable>(_ data: Data, path: String) throws(ManifestError) -> T {
        guard data.count <= fileBytesMax else {
            throw ManifestError(file: path, field: "(file)", reason: "larger than \(fileBytesMax) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ManifestError(file: path, field: error.fieldPath, reason: error.reason)
        } catch {
            throw ManifestError(file: path, field: "(file)", reason: "\(error)")
        }
    }

    static func check(id: String, file: String, field: String) throws(ManifestError) {
        let ok =
            !id.isEmpty && id.count <= 48
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && id.first != "-"
        guard ok else {
            throw ManifestError(
                file: file, field: field, reason: "an id is 1 to 48 of a-z, 0-9 and '-', not starting with '-'")
        }
    }

    static func check(text: LocalizedText, file: String, field: String) throws(ManifestError) {
        for (lang, value) in [("ko", text.ko), ("en", text.en)] where value.isEmpty || value.count > 120 {
            throw ManifestError(file: file, field: "\(field).\(lang)", reason: "must have 1 to 120 characters")
        }
    }
}

extension DecodingError {
    /// Where decoding failed, like `spawns[0].position`; `(document)` for the whole input.
    public var fieldPath: String {
        let path: [any CodingKey]
        switch self {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        @unknown default: path = []
        }
        if path.isEmpty { return "(document)" }
        return path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
    }

    /// Why decoding failed, in words a person can act on.
    public var reason: String {
        switch self {
        case .keyNotFound: "is required"
        case .typeMismatch(let type, _): "expected \(type)"
        case .valueNotFound(let type, _): "expected \(type), found null"
        case .dataCorrupted(let c):
            c.debugDescription.hasPrefix("The given data was not valid JSON") ? "not valid JSON" : c.debugDescription
        @unknown default: "is invalid"
        }
    }
}
