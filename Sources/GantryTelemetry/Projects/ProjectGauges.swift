import Prometheus
import Synchronization

/// `gantry_projects{phase,status}`: how many projects are in each current phase and status. A pair
/// that had projects and has none now reads 0 rather than keeping its last count.
public final class ProjectGauges: Sendable {
    public struct Count: Sendable, Hashable {
        /// The current phase (the first not done), or `none` when every phase is done or none exists.
        public var phase: String
        public var status: String
        public var projects: Int
        public init(phase: String, status: String, projects: Int) {
            self.phase = phase
            self.status = status
            self.projects = projects
        }
    }

    private struct Pair: Hashable {
        var phase: String
        var status: String
    }

    public let registry: PrometheusCollectorRegistry
    private let seen = Mutex<Set<Pair>>([])

    public init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    public func set(_ counts: [Count]) {
        var now: [Pair: Int] = [:]
        for c in counts { now[Pair(phase: c.phase, status: c.status), default: 0] += c.projects }
        let gone = seen.withLock { seen in
            let gone = seen.subtracting(now.keys)
            seen.formUnion(now.keys)
            return gone
        }
        for pair in gone { gauge(pair).set(to: 0) }
        for (pair, n) in now { gauge(pair).set(to: Double(n)) }
    }

    private func gauge(_ pair: Pair) -> Gauge {
        registry.makeGauge(descriptor: GantryMetric.projects.prometheus, labels: [("phase", pair.phase), ("status", pair.status)])
    }
}
