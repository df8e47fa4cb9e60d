import Clocks
import Cluster
import Logging
import ServiceLifecycle

/// Runs this node's cluster rounds for the application's lifetime; at the end it stops serving and
/// removes its registration. (A drain on SIGTERM runs before: `BitgoeulServer.drain()`.)
struct ClusterService: Service {
    let member: ClusterMember
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await member.run()
        }
        await member.leave()
        logger.info("left the cluster")
    }
}

extension BitgoeulServer {
    /// Registers this node in its cluster; throws when another live node has its id. A single
    /// server has nothing to do.
    public func joinCluster() async throws {
        try await services.cluster?.join()
    }

    /// Hands every space of this node to the others and waits until they have them, then a little
    /// longer so its clients learn where their spaces went (SIGTERM on a node of a cluster).
    public func drain() async {
        guard let member = services.cluster, let settings = services.config.cluster else { return }
        logger.info("draining: handing every space to the other nodes")
        let start = services.clock.monotonicS()
        await member.drain(timeoutS: settings.drainTimeoutS)
        // What the spaces held in memory follows them (evidence, visits, tours, crowds).
        await waitForParcels(timeoutS: max(2, settings.drainTimeoutS - (services.clock.monotonicS() - start)))
        try? await Task.sleep(for: .seconds(settings.drainGraceS))
        logger.info("drained")
    }
}
