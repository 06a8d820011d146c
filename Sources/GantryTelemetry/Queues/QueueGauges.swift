import GantryCore
import Prometheus

/// The per-queue gauges (`gantry_queue_ready`, `_leased`, `_delayed`, `_dead`,
/// `_oldest_age_seconds`), set from each queue's statistics, and the busiest groups' gauges
/// (`GroupGauges`): the same in the API and the coordinator, both of which refresh them when scraped.
public struct QueueGauges: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let groups: GroupGauges

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        groups = GroupGauges(registry: registry)
    }

    /// Sets the gauges of each queue in `stats`. Gauges are made once per queue by the registry (a
    /// lookup per scrape and queue, not per job).
    public func set(_ stats: [QueueStats]) {
        for s in stats {
            let labels = [("queue", s.queue)]
            func gauge(_ metric: MetricDescriptor, _ value: Double) {
                registry.makeGauge(descriptor: metric.prometheus, labels: labels).set(to: value)
            }
            gauge(GantryMetric.queueReady, Double(s.ready))
            gauge(GantryMetric.queueLeased, Double(s.leased))
            gauge(GantryMetric.queueDelayed, Double(s.delayed))
            gauge(GantryMetric.queueDead, Double(s.dead))
            gauge(GantryMetric.queueOldestAge, Double(s.oldestReadyAgeMs ?? 0) / 1000)
        }
    }

    /// Reads every known queue's statistics and sets the gauges. A queue that cannot be read keeps
    /// its last values (a scrape must still answer when Redis does not).
    public func refresh(from driver: any JobQueueInspection & QueueListing) async {
        guard let names = try? await driver.queueNames() else { return }
        await refresh(from: driver, queues: names)
    }

    /// Reads the statistics of `names` and, from a driver with groups, their busiest groups, and sets
    /// the gauges; a queue that cannot be read keeps its last values.
    public func refresh(from driver: any JobQueueInspection, queues names: [QueueName]) async {
        var stats: [QueueStats] = []
        for name in names {
            if let s = try? await driver.stats(queue: name) { stats.append(s) }
        }
        set(stats)
        if let groups = driver as? any QueueGroups { await refreshGroups(from: groups, queues: names) }
    }

    /// Reads each queue's busiest groups and sets their gauges. A queue whose groups cannot be read
    /// keeps its last series, as `refresh` keeps a queue's counts.
    private func refreshGroups(from driver: any QueueGroups, queues: [QueueName]) async {
        for name in queues {
            if let busiest = try? await driver.busiestGroups(queue: name, top: GroupGauges.top) {
                groups.set(queue: name.rawValue, busiest)
            }
        }
    }
}
