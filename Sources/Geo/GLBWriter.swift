import DurableFiles
import Foundation

/// Writes glTF 2.0 binary (.glb): one node and one mesh per building, named by its id.
///
/// Each mesh has POSITION and NORMAL (float32 vec3) and uint16 (uint32 when needed) indices, packed
/// into three buffer views of one binary buffer. Node `extras` carry the building's id and height for tools.
public struct GLBWriter {
    public struct Item {
        public var id: String
        public var mesh: Mesh
        /// Written to the node's `extras` with the id, for tools that read the file alone.
        public var height: Double?

        public init(id: String, mesh: Mesh, height: Double? = nil) {
            self.id = id
            self.mesh = mesh
            self.height = height
        }
    }

    public var generator = "Bitgoeul"
    /// Copyright / attribution stored in `asset.copyright`.
    public var copyright: String?

    public init(copyright: String? = nil) {
        self.copyright = copyright
    }

    /// The whole file in memory (small scenes and tests).
    public func encode(_ items: [Item]) throws -> Data {
        let (json, binary) = chunks(items)
        let binaryBytes = binary.reduce(0) { $0 + $1.count }
        var out = Data()
        out.reserveCapacity(28 + json.count + binaryBytes)
        out.append(contentsOf: Self.header(json: json.count, binary: binaryBytes))
        out.append(contentsOf: json)
        if binaryBytes > 0 {
            out.append(contentsOf: Self.binaryChunkHeader(binaryBytes))
            for part in binary { out.append(contentsOf: part) }
        }
        return out
    }

    /// Writes the file straight from its chunks, via a temporary name and a rename, without
    /// first copying a city's worth of geometry into one buffer.
    public func write(_ items: [Item], to url: URL) throws {
        let (json, binary) = chunks(items)
        let binaryBytes = binary.reduce(0) { $0 + $1.count }
        try AtomicFile.write(to: url) { handle in
            try handle.write(contentsOf: Self.header(json: json.count, binary: binaryBytes))
            try handle.write(contentsOf: json)
            if binaryBytes > 0 {
                try handle.write(contentsOf: Self.binaryChunkHeader(binaryBytes))
                for part in binary { try handle.write(contentsOf: part) }
            }
        }
    }

    static func le(_ values: [Int]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: UInt32(v).littleEndian) { Array($0) } }
    }

    /// The 12-byte GLB header and the JSON chunk header.
    static func header(json: Int, binary: Int) -> [UInt8] {
        let total = 12 + 8 + json + (binary == 0 ? 0 : 8 + binary)
        return le([0x4654_6C67, 2, total, json, 0x4E4F_534A])  // "glTF", version, length; JSON chunk
    }

    static func binaryChunkHeader(_ length: Int) -> [UInt8] { le([length, 0x004E_4942]) }  // "BIN\0"

    /// The padded JSON chunk and the binary chunk.
    func chunks(_ items: [Item]) -> (json: [UInt8], binary: [[UInt8]]) {
        // The JSON is written by hand: with a mesh per building, a city has hundreds of thousands
        // of accessors, and building dictionaries for them costs more than all the geometry work.
        // Three buffer views hold every mesh's positions, normals and indices; accessors point
        // into them by offset, which keeps the JSON to one accessor triple per building.
        var positions: [UInt8] = []
        var normals: [UInt8] = []
        var indices: [UInt8] = []
        let vertexBytes = items.reduce(0) { $0 + $1.mesh.positions.count * 4 }
        positions.reserveCapacity(vertexBytes)
        normals.reserveCapacity(vertexBytes)
        indices.reserveCapacity(items.reduce(0) { $0 + $1.mesh.indices.count * 4 })
        var accessors = ""
        var meshes = ""
        var nodes = ""
        var meshCount = 0

        for item in items {
            let m = item.mesh
            guard m.vertexCount > 0, !m.indices.isEmpty else { continue }
            var lo = [Float](repeating: .infinity, count: 3)
            var hi = [Float](repeating: -.infinity, count: 3)
            for v in 0..<m.vertexCount {
                for k in 0..<3 {
                    lo[k] = min(lo[k], m.positions[3 * v + k])
                    hi[k] = max(hi[k], m.positions[3 * v + k])
                }
            }
            let positionOffset = positions.count
            m.positions.withUnsafeBytes { positions.append(contentsOf: $0) }
            let normalOffset = normals.count
            m.normals.withUnsafeBytes { normals.append(contentsOf: $0) }
            // 16-bit indices when they fit (a building rarely has 65,536 vertices); offsets stay
            // aligned to 4 bytes so either size can follow.
            let small = m.vertexCount <= Int(UInt16.max)
            let indexOffset = indices.count
            if small {
                m.indices.map { UInt16($0) }.withUnsafeBytes { indices.append(contentsOf: $0) }
            } else {
                m.indices.withUnsafeBytes { indices.append(contentsOf: $0) }
            }
            while indices.count % 4 != 0 { indices.append(0) }
            let base = meshCount * 3
            if meshCount > 0 {
                accessors += ","
                meshes += ","
                nodes += ","
            }
            accessors += #"{"bufferView":0,"byteOffset":\#(positionOffset),"componentType":5126,"#
            accessors += #""count":\#(m.vertexCount),"type":"VEC3","#
            accessors += #""min":[\#(lo.map { "\(Double($0))" }.joined(separator: ","))],"#
            accessors += #""max":[\#(hi.map { "\(Double($0))" }.joined(separator: ","))]},"#
            accessors += #"{"bufferView":1,"byteOffset":\#(normalOffset),"componentType":5126,"#
            accessors += #""count":\#(m.vertexCount),"type":"VEC3"},"#
            accessors += #"{"bufferView":2,"byteOffset":\#(indexOffset),"componentType":\#(small ? 5123 : 5125),"#
            accessors += #""count":\#(m.indices.count),"type":"SCALAR"}"#
            let name = jsonString(item.id)
            meshes += #"{"name":\#(name),"primitives":[{"attributes":{"POSITION":\#(base),"NORMAL":\#(base + 1)},"#
            meshes += #""indices":\#(base + 2),"mode":4}]}"#
            nodes += #"{"name":\#(name),"mesh":\#(meshCount),"extras":{"id":\#(name)"#
            if let height = item.height, height.isFinite { nodes += #","height":\#(height)"# }
            nodes += "}}"
            meshCount += 1
        }
        let binaryBytes = positions.count + normals.count + indices.count
        var views = ""
        if meshCount > 0 {
            views = #"{"buffer":0,"byteOffset":0,"byteLength":\#(positions.count),"target":34962},"#
            views += #"{"buffer":0,"byteOffset":\#(positions.count),"byteLength":\#(normals.count),"target":34962},"#
            views += #"{"buffer":0,"byteOffset":\#(positions.count + normals.count),"byteLength":\#(indices.count),"#
            views += #""target":34963}"#
        }
        var asset = #"{"version":"2.0","generator":\#(jsonString(generator))"#
        if let copyright { asset += #","copyright":\#(jsonString(copyright))"# }
        asset += "}"
        var text = #"{"asset":\#(asset),"scene":0,"scenes":[{"nodes":["#
        text += (0..<meshCount).map(String.init).joined(separator: ",")
        text += #"]}],"nodes":[\#(nodes)],"meshes":[\#(meshes)],"accessors":[\#(accessors)],"bufferViews":[\#(views)]"#
        if binaryBytes > 0 { text += #","buffers":[{"byteLength":\#(binaryBytes)}]"# }
        text += "}"
        var json = Array(text.utf8)
        while json.count % 4 != 0 { json.append(0x20) }
        return (json, binaryBytes > 0 ? [positions, normals, indices] : [])
    }
}

/// A JSON string literal with the escapes JSON requires.
func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
