import ArgumentParser
import BitgoeulClient
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Nodes of this binary on loopback for `bench cluster`, each with its own data folder.
struct LocalCluster {
    struct Node {
        let port: Int
        let data: URL
        var process: Process
    }

    let database: String
    let world: String
    private(set) var nodes: [String: Node] = [:]
    var ids: [String] { nodes.keys.sorted() }

    init(database: String, world: String) {
        self.database = database
        self.world = world
    }

    func connectURL(_ id: String) -> String { "ws://127.0.0.1:\(nodes[id]!.port)/api/v1/connect" }
    func pid(_ id: String) -> Int32 { nodes[id]!.process.processIdentifier }

    /// Starts node `id` (again on its old port and data, after a kill).
    mutating func start(_ id: String) throws {
        let port = nodes[id]?.port ?? Self.freePort()
        let data =
            nodes[id]?.data
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "bitgoeul-bench-\(id)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        process.arguments = [
            "serve", "--host", "127.0.0.1", "--port", "\(port)", "--data", data.path, "--database", database,
            "--node-id", id, "--world", world, "--web", "/nonexistent", "--log-level", "warning",
            "--connections-per-second", "1000", "--connections-per-address-per-second", "1000",
        ]
        let log = data.appendingPathComponent("node.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nodes[id] = Node(port: port, data: data, process: process)
    }

    func kill(_ id: String) {
        Foundation.kill(pid(id), SIGKILL)
        nodes[id]!.process.waitUntilExit()
    }

    /// Drains every node (SIGTERM), waits, and removes the data folders.
    func stopAll() {
        for node in nodes.values where node.process.isRunning { node.process.terminate() }
        for node in nodes.values {
            node.process.waitUntilExit()
            try? FileManager.default.removeItem(at: node.data)
        }
    }

    /// The placement once every node reports the same one, every space is served and `expecting`
    /// nodes (default: all) serve something, twice a second apart.
    func settled(expecting: Int? = nil, timeoutS: Double = 60) async throws -> [String: String] {
        let apis = ids.map { BitgoeulAPI(baseURL: URL(string: "http://127.0.0.1:\(nodes[$0]!.port)")!) }
        guard
            let placements = await BitgoeulAPI.settledPlacements(
                of: apis, nodesServing: expecting ?? ids.count, timeoutS: timeoutS)
        else { throw ValidationError("the nodes did not agree where the spaces are within \(timeoutS) s") }
        return placements
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(fd, $0, length)
                _ = getsockname(fd, $0, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
