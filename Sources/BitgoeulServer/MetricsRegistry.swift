import Metrics
import Prometheus
import Synchronization

/// The process-wide Prometheus registry behind swift-metrics, bootstrapped once.
public enum MetricsRegistry {
    public static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Tick durations: 0.5 ms to 100 ms.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// The exposition text for `/metrics`.
    static func render() -> [UInt8] {
        var out: [UInt8] = []
        shared.emit(into: &out)
        return out
    }
}
