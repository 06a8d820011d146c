import FoundationEssentials
import GantryCore
import Instrumentation
import Logging
import OTel
import ServiceLifecycle

/// Tracing for a Gantry process: spans exported over OTLP/HTTP (swift-otel) when an endpoint is set
/// in the standard OpenTelemetry variables, nothing at all when it is not.
///
/// Only traces go through OpenTelemetry: metrics stay Prometheus (`/metrics`) and logs stay on stderr,
/// where `logMetadataProvider` adds the current span's trace and span IDs to every line.
public enum GantryTracing {
    /// Bootstraps the tracer and returns the exporter's service (run it in the process's service group,
    /// so spans are flushed on shutdown), or nil when `OTEL_EXPORTER_OTLP_ENDPOINT` (or its traces-only
    /// form) is not set or `OTEL_SDK_DISABLED=true`. Call once, before anything traces.
    ///
    /// The standard variables apply (`OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`, `OTEL_BSP_SCHEDULE_DELAY`,
    /// `OTEL_EXPORTER_OTLP_HEADERS`…); `serviceName` is the default name (`gantry-api`, `gantry-worker`…).
    public static func bootstrap(
        serviceName: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (any Service)? {
        guard isConfigured(environment) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.exporter = .otlp
        // Built with swift-otel's OTLPHTTP trait only (no gRPC stack in the binary).
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.propagators = [.traceContext]
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        TraceContext.enable()
        return backend.service
    }

    /// Whether the environment asks for traces.
    public static func isConfigured(_ environment: [String: String]) -> Bool {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        let endpoint = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"]
        return !(endpoint ?? "").isEmpty
    }

    /// Adds `trace_id` and `span_id` of the current span to each log line.
    public static var logMetadataProvider: Logger.MetadataProvider { OTel.makeLoggingMetadataProvider() }
}
