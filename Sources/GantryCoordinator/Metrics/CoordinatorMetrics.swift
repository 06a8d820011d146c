import Prometheus
import Synchronization

/// The coordinator's metrics, on a registry of its own (nothing global is bootstrapped), served by
/// `gantry coordinator --metrics-port` as Prometheus text.
public final class CoordinatorMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let leader: Gauge
    private let fencingToken: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        leader = registry.makeGauge(descriptor: Self.metric("gantry_coordinator_leader", "1 while this coordinator leads, else 0"))
        fencingToken = registry.makeGauge(
            descriptor: Self.metric("gantry_coordinator_fencing_token", "The fencing token of this coordinator's current or last term"))
        leader.set(to: 0)
        fencingToken.set(to: 0)
    }

    func leading(token: UInt64) {
        fencingToken.set(to: Double(token))
        leader.set(to: 1)
    }

    func notLeading() { leader.set(to: 0) }

    func dutyRan(_ duty: String) {
        registry.makeCounter(descriptor: Self.metric("gantry_coordinator_duty_runs_total", "Rounds each duty ran"), labels: [("duty", duty)]).increment()
    }

    func dutyFailed(_ duty: String) {
        registry.makeCounter(descriptor: Self.metric("gantry_coordinator_duty_failures_total", "Rounds each duty failed"), labels: [("duty", duty)]).increment()
    }

    /// Firings enqueued for `schedule` (a fan-out counts once).
    public func fired(_ schedule: String, count: Int = 1) {
        registry.makeCounter(descriptor: Self.metric("gantry_coordinator_schedule_firings_total", "Firings enqueued per schedule"), labels: [("schedule", schedule)])
            .increment(by: Int64(count))
    }

    /// The dead-letter digest: dead jobs per queue and kind over the last hour.
    public func deadLetters(queue: String, kind: String, count: Int) {
        registry.makeGauge(descriptor: Self.metric("gantry_dead_letters_last_hour", "Jobs that died in the last hour, per queue and kind"), labels: [("queue", queue), ("kind", kind)]).set(to: Double(count))
    }

    /// Queue housekeeping done by the leader.
    func housekeeping(promoted: Int, reclaimed: Int) {
        if promoted > 0 { registry.makeCounter(descriptor: Self.metric("gantry_coordinator_promoted_total", "Delayed jobs the leader promoted")).increment(by: Int64(promoted)) }
        if reclaimed > 0 { registry.makeCounter(descriptor: Self.metric("gantry_coordinator_reclaimed_total", "Expired leases the leader reclaimed")).increment(by: Int64(reclaimed)) }
    }

    /// A name with its help text (the unit is part of the names above, as Prometheus spells them).
    static func metric(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The Prometheus text exposition.
    public func render() -> String { registry.emitToString() }
}
