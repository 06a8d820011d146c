import GantryTelemetry
import Prometheus

/// The coordinator's metrics, on a registry of its own (nothing global is bootstrapped), served by
/// `gantry coordinator --metrics-port` as Prometheus text through GantryTelemetry's listener: the
/// leader and fencing-token gauges, duty runs and failures, schedule firings, the dead-letter
/// digest, the leader's housekeeping, and, refreshed when scraped (`CoordinatorMetrics+Scrape`),
/// the queue gauges and `gantry_projects`. Every name is `GantryMetric`'s.
public final class CoordinatorMetrics: Sendable {
    public let exposition: MetricsExposition
    public var registry: PrometheusCollectorRegistry { exposition.registry }
    private let leader: Gauge
    private let fencingToken: Gauge
    private let promoted: Counter
    private let dutyRuns: CounterFamily
    private let dutyFailures: CounterFamily
    private let firings: CounterFamily
    private let reclaimed: CounterFamily
    let queueGauges: QueueGauges
    let projectGauges: ProjectGauges

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        exposition = MetricsExposition(registry: registry)
        leader = registry.makeGauge(descriptor: GantryMetric.coordinatorLeader.prometheus)
        fencingToken = registry.makeGauge(descriptor: GantryMetric.coordinatorFencingToken.prometheus)
        promoted = registry.makeCounter(descriptor: GantryMetric.coordinatorPromoted.prometheus)
        dutyRuns = CounterFamily(GantryMetric.coordinatorDutyRuns, registry: registry)
        dutyFailures = CounterFamily(GantryMetric.coordinatorDutyFailures, registry: registry)
        firings = CounterFamily(GantryMetric.coordinatorScheduleFirings, registry: registry)
        reclaimed = CounterFamily(GantryMetric.leasesReclaimed, registry: registry)
        queueGauges = QueueGauges(registry: registry)
        projectGauges = ProjectGauges(registry: registry)
        leader.set(to: 0)
        fencingToken.set(to: 0)
    }

    func leading(token: UInt64) {
        fencingToken.set(to: Double(token))
        leader.set(to: 1)
    }

    func notLeading() { leader.set(to: 0) }

    func dutyRan(_ duty: String) { dutyRuns(duty).increment() }

    func dutyFailed(_ duty: String) { dutyFailures(duty).increment() }

    /// Firings enqueued for `schedule` (a fan-out counts once).
    public func fired(_ schedule: String, count: Int = 1) { firings(schedule).increment(by: Int64(count)) }

    /// The dead-letter digest: dead jobs per queue and kind over the last hour.
    public func deadLetters(queue: String, kind: String, count: Int) {
        registry.makeGauge(descriptor: GantryMetric.deadLettersLastHour.prometheus, labels: [("queue", queue), ("kind", kind)])
            .set(to: Double(count))
    }

    /// Queue housekeeping done by the leader on one queue: delayed jobs promoted, expired leases
    /// reclaimed (`gantry_leases_reclaimed_total`, as the workers count theirs).
    func housekeeping(queue: String, promoted: Int, reclaimed: Int) {
        if promoted > 0 { self.promoted.increment(by: Int64(promoted)) }
        if reclaimed > 0 { self.reclaimed(queue).increment(by: Int64(reclaimed)) }
    }

    /// The Prometheus text exposition (refreshed by whatever `exposition.beforeEachScrape` was given).
    public func render() async -> String { await exposition.renderString() }
}
