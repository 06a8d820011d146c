import Prometheus

/// One metric as every Gantry process spells it: its name, type, help text and label names.
///
/// Written once, in `GantryMetric`, so the API, the coordinator and the workers cannot drift apart.
/// Names follow Prometheus: base units in the name (`_seconds`, `_bytes`), `_total` on counters
/// and only on counters.
public struct MetricDescriptor: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case counter, gauge, histogram
    }

    public let name: String
    public let kind: Kind
    public let help: String
    /// The label names every sample of it carries, in order.
    public let labels: [String]

    public init(_ name: String, _ kind: Kind, _ help: String, labels: [String] = []) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labels = labels
    }

    /// The name and help text as swift-prometheus takes them (the unit is already in `name`).
    public var prometheus: MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
