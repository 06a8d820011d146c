import ArgumentParser
import GantryTracing
import ServiceLifecycle

/// Traces of a long-running role (`gantry api`, `worker`, `coordinator`), from the standard
/// OpenTelemetry variables: none unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
enum ProcessTracing {
    /// Bootstraps the tracer (call right after the logging bootstrap, before anything is built) and
    /// returns its exporter as the first service of the role's group: a group stops its services in
    /// reverse order, so the exporter stops last and flushes the spans of the others.
    static func services(serviceName: String) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        do {
            guard let exporter = try GantryTracing.bootstrap(serviceName: serviceName) else { return [] }
            return [.init(service: exporter)]
        } catch {
            throw ValidationError("OTEL_EXPORTER_OTLP_ENDPOINT is set but traces cannot start: \(error)")
        }
    }
}
