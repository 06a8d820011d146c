import Prometheus
import Synchronization

/// What one process serves at `/metrics`: its registry, refreshed just before each scrape by the
/// sources that are cheaper to read when asked than to keep current (queue depths, project counts),
/// followed by the `process_*` metrics.
public final class MetricsExposition: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let refreshers = Mutex<[@Sendable () async -> Void]>([])
    private let processMetrics: Bool

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), processMetrics: Bool = true) {
        self.registry = registry
        self.processMetrics = processMetrics
    }

    /// Runs `refresh` before every scrape renders, after those added earlier. A refresher that
    /// cannot read its source leaves its metrics as they were: a scrape must still answer.
    public func beforeEachScrape(_ refresh: @escaping @Sendable () async -> Void) {
        refreshers.withLock { $0.append(refresh) }
    }

    /// The Prometheus text exposition, refreshed.
    public func render() async -> [UInt8] {
        for refresh in refreshers.withLock({ $0 }) { await refresh() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(registry.internalBufferCapacity())
        registry.emit(into: &buffer)
        if processMetrics { ProcessMetrics.append(to: &buffer) }
        return buffer
    }

    /// `render()` as text (tests, the coordinator's callers that want a String).
    public func renderString() async -> String { String(decoding: await render(), as: UTF8.self) }
}
