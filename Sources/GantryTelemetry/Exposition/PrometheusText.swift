/// Writes samples in the Prometheus text format (version 0.0.4) for the values no registry holds,
/// such as the process's, which are read when scraped.
public enum PrometheusText {
    /// The content type of `/metrics`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `# HELP`, `# TYPE` and one unlabelled sample.
    public static func append(_ metric: MetricDescriptor, _ value: Double, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: "# HELP \(metric.name) \(escapeHelp(metric.help))\n".utf8)
        buffer.append(contentsOf: "# TYPE \(metric.name) \(metric.kind.rawValue)\n".utf8)
        buffer.append(contentsOf: "\(metric.name) \(format(value))\n".utf8)
    }

    /// A value as Prometheus reads it: integers without a fraction, `+Inf`, `-Inf`, `NaN`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func escapeHelp(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
