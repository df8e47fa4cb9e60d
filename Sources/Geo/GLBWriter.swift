import Foundation

/// Writes glTF 2.0 binary (.glb): one node and one mesh per building, named by its id.
///
/// Each mesh has POSITION and NORMAL (float32 vec3) and uint32 indices, in one binary buffer
/// with 4-byte aligned views. Node `extras` carry the building's id and height for tools.
public struct GLBWriter {
    public struct Item {
        public var id: String
        public var mesh: Mesh
        public var extras: [String: Any]

        public init(id: String, mesh: Mesh, extras: [String: Any] = [:]) {
            self.id = id
            self.mesh = mesh
            self.extras = extras
        }
    }

    public var generator = "Bitgoeul"
    /// Copyright / attribution stored in `asset.copyright`.
    public var copyright: String?

    public init(copyright: String? = nil) {
        self.copyright = copyright
    }

    public func encode(_ items: [Item]) throws -> Data {
        var binary = Data()
        var bufferViews: [[String: Any]] = []
        var accessors: [[String: Any]] = []
        var meshes: [[String: Any]] = []
        var nodes: [[String: Any]] = []

        func view(_ bytes: Data, target: Int) -> Int {
            while binary.count % 4 != 0 { binary.append(0) }
            bufferViews.append(["buffer": 0, "byteOffset": binary.count, "byteLength": bytes.count, "target": target])
            binary.append(bytes)
            return bufferViews.count - 1
        }

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
            let positions = view(m.positions.withUnsafeBytes { Data($0) }, target: 34962)
            let normals = view(m.normals.withUnsafeBytes { Data($0) }, target: 34962)
            let indices = view(m.indices.withUnsafeBytes { Data($0) }, target: 34963)
            accessors.append([
                "bufferView": positions, "componentType": 5126, "count": m.vertexCount, "type": "VEC3",
                "min": lo.map(Double.init), "max": hi.map(Double.init),
            ])
            accessors.append(["bufferView": normals, "componentType": 5126, "count": m.vertexCount, "type": "VEC3"])
            accessors.append(["bufferView": indices, "componentType": 5125, "count": m.indices.count, "type": "SCALAR"])
            let base = accessors.count - 3
            meshes.append([
                "name": item.id,
                "primitives": [
                    ["attributes": ["POSITION": base, "NORMAL": base + 1], "indices": base + 2, "mode": 4]
                ],
            ])
            var node: [String: Any] = ["name": item.id, "mesh": meshes.count - 1]
            if !item.extras.isEmpty { node["extras"] = item.extras }
            nodes.append(node)
        }
        while binary.count % 4 != 0 { binary.append(0) }
        var asset: [String: Any] = ["version": "2.0", "generator": generator]
        if let copyright { asset["copyright"] = copyright }
        var document: [String: Any] = [
            "asset": asset, "scene": 0, "scenes": [["nodes": Array(0..<nodes.count)]], "nodes": nodes,
            "meshes": meshes, "accessors": accessors, "bufferViews": bufferViews,
        ]
        if !binary.isEmpty { document["buffers"] = [["byteLength": binary.count]] }
        var json = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        while json.count % 4 != 0 { json.append(0x20) }

        var out = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        let total = 12 + 8 + json.count + (binary.isEmpty ? 0 : 8 + binary.count)
        u32(0x4654_6C67)  // "glTF"
        u32(2)
        u32(total)
        u32(json.count)
        u32(0x4E4F_534A)  // "JSON"
        out.append(json)
        if !binary.isEmpty {
            u32(binary.count)
            u32(0x004E_4942)  // "BIN\0"
            out.append(binary)
        }
        return out
    }
}
