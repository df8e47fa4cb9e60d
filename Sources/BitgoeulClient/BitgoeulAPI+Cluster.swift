import Foundation

extension BitgoeulAPI {
    /// The node serving each space as this node sees it (`GET /api/v1/world`); "" for a space that
    /// no node serves now.
    public func placements() async throws -> [String: String] {
        struct World: Decodable {
            struct Region: Decodable { let spaces: [Space] }
            struct Space: Decodable {
                struct Server: Decodable { let node: String }
                let id: String
                let server: Server?
            }
            let regions: [Region]
        }
        let world = try JSONDecoder().decode(World.self, from: try await call("GET", "/api/v1/world"))
        return Dictionary(
            uniqueKeysWithValues: world.regions.flatMap(\.spaces).map { ($0.id, $0.server?.node ?? "") })
    }

    /// The placement once every one of `nodes` reports the same one, with every space served and at
    /// least `nodesServing` nodes (or one per space, if fewer) serving, twice `intervalS` apart; nil
    /// when that does not happen within `timeoutS`. A node's directory can be a round behind where
    /// a space just moved: a client sent there then takes one more redirect.
    public static func settledPlacements(
        of nodes: [BitgoeulAPI], nodesServing: Int, timeoutS: Double, intervalS: Double = 1.1
    ) async -> [String: String]? {
        let deadline = ContinuousClock.now + .seconds(timeoutS)
        var last: [String: String] = [:]
        var agreements = 0
        while ContinuousClock.now < deadline {
            var seen: [[String: String]] = []
            for node in nodes { seen.append((try? await node.placements()) ?? [:]) }
            let first = seen.first ?? [:]
            let agreed =
                !first.isEmpty && seen.allSatisfy { $0 == first } && first.values.allSatisfy { !$0.isEmpty }
                && Set(first.values).count >= min(nodesServing, first.count)
            agreements = agreed && first == last ? agreements + 1 : (agreed ? 1 : 0)
            last = first
            if agreements >= 2 { return first }
            try? await Task.sleep(for: .seconds(intervalS))
        }
        return nil
    }
}
