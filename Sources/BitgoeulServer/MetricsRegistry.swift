import Metrics
import Prometheus
import Synchronization

/// The process-wide Prometheus registry behind swift-metrics, bootstrapped once.
public enum MetricsRegistry {
    public static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Tick durations: 0.5 ms to 250 ms, fine around the 25 and 50 ms targets.
        factory.defaultDurationHistogramBuckets = [0.5, 1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 250].map {
            Duration.microseconds(Int64($0 * 1000))
        }
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
