import Prometheus
import Synchronization

/// The counters of one metric with one label (`gantry_leases_reclaimed_total{queue}`,
/// `gantry_coordinator_duty_runs_total{duty}`), each made once and found again by its label value
/// without a registry lookup.
public final class CounterFamily: Sendable {
    public let metric: MetricDescriptor
    private let registry: PrometheusCollectorRegistry
    private let counters = Mutex<[String: Counter]>([:])

    public init(_ metric: MetricDescriptor, registry: PrometheusCollectorRegistry) {
        precondition(metric.kind == .counter && metric.labels.count == 1, "\(metric.name) is not a counter with one label")
        self.metric = metric
        self.registry = registry
    }

    /// The counter of this label value.
    public func callAsFunction(_ value: String) -> Counter {
        counters.withLock { c in
            if let existing = c[value] { return existing }
            let made = registry.makeCounter(descriptor: metric.prometheus, labels: [(metric.labels[0], value)])
            c[value] = made
            return made
        }
    }
}
