import ArgumentParser
import GantryTelemetry
import Logging

/// Where a worker or a coordinator serves `GET /metrics` and `GET /healthz`: the flags, else
/// `GANTRY_METRICS_PORT` and `GANTRY_METRICS_HOST`. No port, no metrics.
struct MetricsOptions: ParsableArguments {
    @Option(help: "Serve GET /metrics (Prometheus) and GET /healthz on this port, 0 for any free one (default: GANTRY_METRICS_PORT, else none: metrics off).")
    var metricsPort: Int?

    @Option(help: "Address of the metrics listener (default: GANTRY_METRICS_HOST, then 127.0.0.1).")
    var metricsHost: String?

    /// The port, or nil when metrics are off; a bad value is a usage error naming where it came from.
    func port() throws -> Int? {
        if let metricsPort {
            guard (0...65_535).contains(metricsPort) else { throw ValidationError("--metrics-port must be 0-65535") }
            return metricsPort
        }
        guard let text = GantryEnvironment.value("GANTRY_METRICS_PORT"), !text.isEmpty else { return nil }
        guard let port = Int(text), (0...65_535).contains(port) else {
            throw ValidationError("GANTRY_METRICS_PORT: '\(text)' is not a port number (0-65535)")
        }
        return port
    }

    var host: String { metricsHost ?? GantryEnvironment.value("GANTRY_METRICS_HOST") ?? "127.0.0.1" }

    /// The listener, bound already (a busy port fails the command at start), or nil when metrics are off.
    func listener(logger: Logger, render: @escaping @Sendable () async -> [UInt8]) throws -> MetricsListener? {
        guard let port = try port() else { return nil }
        let listener = MetricsListener(host: host, port: port, logger: logger, render: render)
        do {
            try listener.bind()
        } catch {
            throw ValidationError("--metrics-port: \(error)")
        }
        return listener
    }
}
