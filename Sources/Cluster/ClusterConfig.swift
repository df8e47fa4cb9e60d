import Foundation

/// How a node takes part in a cluster (`bitgoeul serve --database postgres://… --node-id …`).
public struct ClusterConfig: Hashable, Sendable {
    /// Unique in the cluster, stable across restarts: lowercase letters, digits and `-`, at most 63 bytes.
    public var nodeId: String
    /// Where clients reach this node (`http(s)://host:port`), sent to them in redirects.
    public var publicURL: String
    /// Avatars this node takes across its spaces; spaces are shared out in proportion.
    public var capacity: Int
    public var settings = ClusterSettings()
    /// How long a drain (SIGTERM) waits for other nodes to take this node's spaces.
    public var drainTimeoutS = 20.0
    /// How long a drained node stays up after handing its spaces over, so its clients are told
    /// where their spaces went.
    public var drainGraceS = 3.0

    public init(nodeId: String, publicURL: String, capacity: Int) {
        self.nodeId = nodeId
        self.publicURL = publicURL
        self.capacity = capacity
    }

    /// What is wrong with the settings, or nil.
    public var problem: String? {
        let idOK =
            (1...63).contains(nodeId.utf8.count)
            && nodeId.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        if !idOK { return "the node id must be 1–63 lowercase letters, digits or '-'" }
        guard let url = URLComponents(string: publicURL), ["http", "https"].contains(url.scheme ?? ""),
            url.host?.isEmpty == false, publicURL.utf8.count <= 256
        else { return "the node URL must be http(s)://host[:port] (at most 256 bytes)" }
        if !(1...1_000_000).contains(capacity) { return "the node capacity must be within 1…1000000" }
        return nil
    }
}
