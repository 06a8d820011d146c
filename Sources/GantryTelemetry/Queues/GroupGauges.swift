import GantryCore
import Prometheus
import Synchronization

/// `gantry_group_running` and `gantry_group_ready{queue,group}`: the busiest groups of each queue
/// (`GroupGauges.top` at most). Groups are producers' projects, so there can be thousands and they
/// come and go: only the top ones are exported, and a group that falls out of a queue's top has its
/// series removed from the registry (not left at 0), so the number of series stays bounded.
public final class GroupGauges: Sendable {
    /// Groups exported per queue.
    public static let top = 20

    private struct Series: Hashable {
        var queue: String
        var group: String
    }

    private struct Pair {
        var running: Gauge
        var ready: Gauge
    }

    public let registry: PrometheusCollectorRegistry
    // The series this instance made, by queue and group: what a later `set` must remove.
    private let exported = Mutex<[Series: Pair]>([:])

    public init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// Exports `groups` (busiest first; beyond `top` ignored) as the queue's only group series.
    public func set(queue: String, _ groups: [GroupStats]) {
        exported.withLock { exported in
            var kept: Set<Series> = []
            for g in groups.prefix(Self.top) {
                let series = Series(queue: queue, group: g.group)
                kept.insert(series)
                let pair = exported[series] ?? make(series)
                exported[series] = pair
                pair.running.set(to: Double(g.running))
                pair.ready.set(to: Double(g.ready))
            }
            let gone = exported.keys.filter { $0.queue == queue && !kept.contains($0) }
            for series in gone {
                guard let pair = exported.removeValue(forKey: series) else { continue }
                registry.unregisterGauge(pair.running)
                registry.unregisterGauge(pair.ready)
            }
        }
    }

    private func make(_ series: Series) -> Pair {
        let labels = [("queue", series.queue), ("group", series.group)]
        return Pair(
            running: registry.makeGauge(descriptor: GantryMetric.groupRunning.prometheus, labels: labels),
            ready: registry.makeGauge(descriptor: GantryMetric.groupReady.prometheus, labels: labels))
    }
}
