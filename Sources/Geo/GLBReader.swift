import Foundation

/// Reads back the GLB files `GLBWriter` makes: one mesh per building, named by its id, with the
/// building's height in the node's extras. Positions are glTF (+Y up, −Z north); `enuTriangles`
/// turns them back into east, north, up.
public enum GLBReader {
    public struct Item: Sendable {
        public var id: String
        public var height: Double?
        public var mesh: Mesh
        /// What the node uses that this reader does not apply (a transform, more primitives, a mode
        /// other than triangles), so a caller that needs the geometry exactly can refuse it.
        public var unsupported: String?
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Files larger than this are refused (a city district is a few tens of MB).
    public static let bytesMax = 1 << 30

    public static func read(_ url: URL) throws -> [Item] {
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= bytesMax else { throw Failure(description: "\(url.path) is over \(bytesMax) bytes") }
        return try decode(Data(contentsOf: url))
    }

    /// Reads every mesh node; `trianglesMax` bounds the triangles of all of them together (a file
    /// from outside may point many nodes at one large mesh).
    public static func decode(_ data: Data, trianglesMax: Int = .max) throws -> [Item] {
        let bytes = [UInt8](data)
        func u32(_ at: Int) throws -> Int {
            guard at + 4 <= bytes.count else { throw Failure(description: "truncated GLB") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        guard try u32(0) == 0x4654_6C67, try u32(4) == 2 else { throw Failure(description: "not a glTF 2 binary") }
        let jsonLength = try u32(12)
        guard try u32(16) == 0x4E4F_534A, 20 + jsonLength <= bytes.count else {
            throw Failure(description: "the GLB has no JSON chunk")
        }
        let binStart = 20 + jsonLength + 8
        guard
            let root = try JSONSerialization.jsonObject(with: Data(bytes[20..<(20 + jsonLength)])) as? [String: Any]
        else { throw Failure(description: "the GLB's JSON is not an object") }
        let accessors = root["accessors"] as? [[String: Any]] ?? []
        let views = root["bufferViews"] as? [[String: Any]] ?? []
        let meshes = root["meshes"] as? [[String: Any]] ?? []
        let nodes = root["nodes"] as? [[String: Any]] ?? []

        // Counts and offsets come from the file: each is checked before it is used in arithmetic.
        func accessor(_ index: Int) throws -> (offset: Int, count: Int, component: Int) {
            guard accessors.indices.contains(index), let view = accessors[index]["bufferView"] as? Int,
                views.indices.contains(view), let count = accessors[index]["count"] as? Int,
                let component = accessors[index]["componentType"] as? Int
            else { throw Failure(description: "accessor \(index) is malformed") }
            let viewOffset = views[view]["byteOffset"] as? Int ?? 0
            let ownOffset = accessors[index]["byteOffset"] as? Int ?? 0
            guard (0...bytes.count).contains(count), (0...bytes.count).contains(viewOffset),
                (0...bytes.count).contains(ownOffset)
            else { throw Failure(description: "accessor \(index) has a count or offset outside the file") }
            return (binStart + viewOffset + ownOffset, count, component)
        }
        func floats(_ index: Int) throws -> [Float] {
            let a = try accessor(index)
            let end = a.offset + a.count * 12
            guard a.component == 5126, end <= bytes.count else { throw Failure(description: "bad VEC3 accessor") }
            return bytes[a.offset..<end].withUnsafeBytes { raw in
                (0..<(a.count * 3)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
            }
        }
        func indices(_ index: Int) throws -> [UInt32] {
            let a = try accessor(index)
            let width = a.component == 5123 ? 2 : 4
            let end = a.offset + a.count * width
            guard a.component == 5123 || a.component == 5125, end <= bytes.count else {
                throw Failure(description: "bad index accessor")
            }
            return bytes[a.offset..<end].withUnsafeBytes { raw in
                (0..<a.count).map {
                    width == 2
                        ? UInt32(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))
                        : raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)
                }
            }
        }

        guard nodes.count <= 100_000 else { throw Failure(description: "more than 100000 nodes") }
        var items: [Item] = []
        var decoded: [Int: Mesh] = [:]
        var triangles = 0
        for node in nodes {
            guard let meshIndex = node["mesh"] as? Int, meshes.indices.contains(meshIndex),
                let primitive = (meshes[meshIndex]["primitives"] as? [[String: Any]])?.first,
                let attributes = primitive["attributes"] as? [String: Int], let position = attributes["POSITION"],
                let indexAccessor = primitive["indices"] as? Int
            else { continue }
            let extras = node["extras"] as? [String: Any]
            let mesh: Mesh
            if let known = decoded[meshIndex] {
                mesh = known
            } else {
                var fresh = Mesh()
                fresh.positions = try floats(position)
                if let normal = attributes["NORMAL"] { fresh.normals = try floats(normal) }
                fresh.indices = try indices(indexAccessor)
                guard fresh.indices.allSatisfy({ Int($0) < fresh.vertexCount }) else {
                    throw Failure(description: "mesh \(meshIndex) has an index past its vertices")
                }
                decoded[meshIndex] = fresh
                mesh = fresh
            }
            triangles += mesh.triangleCount
            guard triangles <= trianglesMax else {
                throw Failure(description: "more than \(trianglesMax) triangles")
            }
            var unsupported: String?
            if let key = ["matrix", "translation", "rotation", "scale"].first(where: { node[$0] != nil }) {
                unsupported = "a node \(key)"
            } else if ((meshes[meshIndex]["primitives"] as? [[String: Any]])?.count ?? 0) > 1 {
                unsupported = "more than one primitive in a mesh"
            } else if let mode = primitive["mode"] as? Int, mode != 4 {
                unsupported = "primitive mode \(mode) (only triangles, 4)"
            }
            items.append(
                Item(
                    id: extras?["id"] as? String ?? node["name"] as? String ?? "mesh-\(meshIndex)",
                    height: extras?["height"] as? Double, mesh: mesh, unsupported: unsupported))
        }
        return items
    }
}

extension Mesh {
    /// The triangles as (east, north, up) corner triples, in metres.
    public var enuTriangles: [(SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)] {
        func corner(_ i: UInt32) -> SIMD3<Double> {
            let k = Int(i) * 3
            return SIMD3(Double(positions[k]), -Double(positions[k + 2]), Double(positions[k + 1]))
        }
        return stride(from: 0, to: indices.count - 2, by: 3).map {
            (corner(indices[$0]), corner(indices[$0 + 1]), corner(indices[$0 + 2]))
        }
    }
}
