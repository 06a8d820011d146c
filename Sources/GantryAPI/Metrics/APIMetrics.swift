import CoreMetrics
import GantryCore
import Prometheus
import Synchronization

/// The API's metrics: request counters and latency histograms made through swift-metrics (on a
/// swift-prometheus factory over the API's registry, so nothing global is bootstrapped), and the
/// queue gauges, refreshed from the driver when `/metrics` is scraped. Names follow Prometheus:
/// base units (seconds), `_total` only on counters.
final class APIMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private struct Key: Hashable {
        var operation: String
        var status: Int
    }
    // Made once per (operation, status) and per operation: making one is a registry lookup under
    // its lock, which every request would otherwise pay.
    private let counters = Mutex<[Key: CoreMetrics.Counter]>([:])
    private let timers = Mutex<[String: CoreMetrics.Timer]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        self.factory = factory
    }

    func record(operation: String, status: Int, startNs: UInt64) {
        let elapsed = Monotonic.nowNs() &- startNs
        let key = Key(operation: operation, status: status)
        let counter = counters.withLock { c in
            if let existing = c[key] { return existing }
            let made = CoreMetrics.Counter(
                label: "gantry_http_requests_total", dimensions: [("operation", operation), ("status", String(status))],
                factory: factory)
            c[key] = made
            return made
        }
        counter.increment()
        let timer = timers.withLock { t in
            if let existing = t[operation] { return existing }
            let made = CoreMetrics.Timer(
                label: "gantry_http_request_duration_seconds", dimensions: [("operation", operation)], factory: factory)
            t[operation] = made
            return made
        }
        timer.recordNanoseconds(Int64(clamping: elapsed))
    }

    /// Sets the per-queue gauges from each queue's statistics, just before a scrape renders them.
    func refreshQueueGauges(_ stats: [QueueStats]) {
        for s in stats {
            let labels = [("queue", s.queue)]
            CoreMetrics.Gauge(label: "gantry_queue_ready", dimensions: labels, factory: factory).record(Double(s.ready))
            CoreMetrics.Gauge(label: "gantry_queue_leased", dimensions: labels, factory: factory).record(Double(s.leased))
            CoreMetrics.Gauge(label: "gantry_queue_delayed", dimensions: labels, factory: factory).record(Double(s.delayed))
            CoreMetrics.Gauge(label: "gantry_queue_dead", dimensions: labels, factory: factory).record(Double(s.dead))
            CoreMetrics.Gauge(label: "gantry_queue_oldest_age_seconds", dimensions: labels, factory: factory)
                .record(Double(s.oldestReadyAgeMs ?? 0) / 1000)
        }
    }

    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
