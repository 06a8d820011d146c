import GantryCore
import Prometheus
import Synchronization

/// A worker's job metrics: `gantry_jobs_total{queue,kind,outcome}`, the `gantry_job_duration_seconds`
/// and `gantry_job_wait_seconds` histograms, `gantry_leases_reclaimed_total{queue}`, and the
/// `gantry_worker_running` / `gantry_worker_concurrency` gauges.
///
/// On the hot path: the handles of one (queue, kind) are made once, every outcome's counter with
/// them, and found again with one dictionary lookup under a lock; a job never costs a registry
/// lookup (which builds the label set and hashes it under the registry's lock).
public final class JobMetrics: Sendable {
    /// The handles of one (queue, kind): immutable once made, so using them takes no lock of ours.
    final class KindHandles: Sendable {
        let duration: DurationHistogram
        let wait: DurationHistogram
        /// Indexed like `JobRunRecord.Outcome.allCases`: every outcome is exported from the first job
        /// of its (queue, kind) on, at 0 until it happens, so a rate over it never misses a series.
        let outcomes: [Counter]

        init(registry: PrometheusCollectorRegistry, queue: String, kind: String) {
            let labels = [("queue", queue), ("kind", kind)]
            duration = registry.makeDurationHistogram(
                descriptor: GantryMetric.jobDuration.prometheus, labels: labels, buckets: MetricBuckets.jobDuration)
            wait = registry.makeDurationHistogram(
                descriptor: GantryMetric.jobWait.prometheus, labels: labels, buckets: MetricBuckets.jobWait)
            outcomes = JobRunRecord.Outcome.allCases.map { outcome in
                registry.makeCounter(descriptor: GantryMetric.jobs.prometheus, labels: labels + [("outcome", outcome.rawValue)])
            }
        }
    }

    private struct Key: Hashable {
        var queue: String
        var kind: String
    }

    public let registry: PrometheusCollectorRegistry
    private let handles = Mutex<[Key: KindHandles]>([:])
    private let reclaimed: CounterFamily
    private let running: Gauge
    private let concurrency: Gauge
    private static let outcomeIndex: [JobRunRecord.Outcome: Int] = Dictionary(
        uniqueKeysWithValues: JobRunRecord.Outcome.allCases.enumerated().map { ($1, $0) })

    public init(registry: PrometheusCollectorRegistry, concurrency: Int) {
        self.registry = registry
        reclaimed = CounterFamily(GantryMetric.leasesReclaimed, registry: registry)
        running = registry.makeGauge(descriptor: GantryMetric.workerRunning.prometheus)
        self.concurrency = registry.makeGauge(descriptor: GantryMetric.workerConcurrency.prometheus)
        self.concurrency.set(to: Double(concurrency))
        running.set(to: 0)
    }

    func handles(queue: String, kind: String) -> KindHandles {
        let key = Key(queue: queue, kind: kind)
        return handles.withLock { h in
            if let existing = h[key] { return existing }
            let made = KindHandles(registry: registry, queue: queue, kind: kind)
            h[key] = made
            return made
        }
    }

    /// A run started `waitedMs` after its job was due.
    public func started(queue: String, kind: String, waitedMs: Int64) {
        handles(queue: queue, kind: kind).wait.record(.milliseconds(max(0, waitedMs)))
    }

    /// A run ended with `outcome` after `duration`.
    public func finished(queue: String, kind: String, outcome: JobRunRecord.Outcome, duration: Duration) {
        let h = handles(queue: queue, kind: kind)
        h.outcomes[Self.outcomeIndex[outcome]!].increment()
        h.duration.record(duration)
    }

    /// Expired leases this process reclaimed on `queue`.
    public func leasesReclaimed(queue: String, count: Int) {
        guard count > 0 else { return }
        reclaimed(queue).increment(by: Int64(count))
    }

    /// Jobs running now (set when scraped, from the worker's own count).
    public func setRunning(_ count: Int) { running.set(to: Double(count)) }
}
