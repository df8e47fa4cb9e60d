import Cluster
import HTTPTypes
import Realtime

extension Services {
    /// `handle` when this node serves its space. A live crowd or an NPC tour runs where the space
    /// ticks, so on a node of a cluster that does not serve it the answer is 421 `elsewhere`, with
    /// the URL of the node that does (`GET /api/v1/world` lists it too).
    func servedHere(_ handle: SpaceHandle) throws -> SpaceHandle {
        guard let cluster, !handle.isServed else { return handle }
        guard let placement = cluster.directory.placement(of: handle.id) else {
            throw APIError(
                .misdirectedRequest, "elsewhere", "'\(handle.id)' is moving between nodes; try again shortly")
        }
        throw APIError(
            .misdirectedRequest, "elsewhere", "'\(handle.id)' is served by the node at \(placement.url); ask there")
    }
}
