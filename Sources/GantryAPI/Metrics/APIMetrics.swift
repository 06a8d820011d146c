import CoreMetrics
import GantryCore
import GantryTelemetry
import Prometheus
import Synchronization

/// The API's metrics: request counters and latency histograms made through swift-metrics (on a
/// swift-prometheus factory over the API's registry, so nothing global is bootstrapped), the queue
/// gauges (GantryTelemetry's `QueueGauges`, the coordinator's too), refreshed from the driver when
/// `/metrics` is scraped, and the `process_*` metrics. Every name is `GantryMetric`'s.
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
    private let queueGauges: QueueGauges

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = MetricBuckets.httpRequest
        self.factory = factory
        queueGauges = QueueGauges(registry: registry)
    }

    func record(operation: String, status: Int, startNs: UInt64) {
        let elapsed = Monotonic.nowNs() &- startNs
        let key = Key(operation: operation, status: status)
        let counter = counters.withLock { c in
            if let existing = c[key] { return existing }
            let made = CoreMetrics.Counter(
                label: GantryMetric.httpRequests.name, dimensions: [("operation", operation), ("status", String(status))],
                factory: factory)
            c[key] = made
            return made
        }
        counter.increment()
        let timer = timers.withLock { t in
            if let existing = t[operation] { return existing }
            let made = CoreMetrics.Timer(
                label: GantryMetric.httpRequestDuration.name, dimensions: [("operation", operation)], factory: factory)
            t[operation] = made
            return made
        }
        timer.recordNanoseconds(Int64(clamping: elapsed))
    }

    /// Sets the per-queue gauges (and the busiest groups') of `queues`, just before a scrape renders them.
    func refreshQueueGauges(from driver: any JobQueueInspection, queues: [QueueName]) async {
        await queueGauges.refresh(from: driver, queues: queues)
    }

    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        ProcessMetrics.append(to: &buffer)
        return buffer
    }
}
