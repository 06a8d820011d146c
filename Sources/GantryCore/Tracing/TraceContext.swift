import Instrumentation
import Synchronization

/// W3C trace context across the queue: a job enqueued inside a traced request or job carries the
/// `traceparent` of that span in its envelope, and the worker that runs it continues the same trace.
///
/// Off until a process bootstraps a tracer (`GantryTracing.bootstrap`, when an OTLP endpoint is set):
/// then every check below is one relaxed load, so a process that does not trace pays nothing per job.
public enum TraceContext {
    private static let enabled = Atomic<Bool>(false)

    /// Whether this process records spans.
    public static var isEnabled: Bool { enabled.load(ordering: .relaxed) }

    /// Called once by the process that bootstrapped a tracer into `InstrumentationSystem`.
    public static func enable() { enabled.store(true, ordering: .relaxed) }

    /// The `traceparent` of the current span, for a job enqueued inside it; nil outside a trace.
    public static func currentTraceparent() -> String? {
        guard isEnabled, let context = InstrumentationContext.current else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: DictionaryCarrier())
        return carrier["traceparent"]
    }

    /// The context a job's run starts from: its producer's span when the envelope names one, else a
    /// new trace.
    public static func context(traceparent: String?) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        if let traceparent {
            InstrumentationSystem.instrument.extract(["traceparent": traceparent], into: &context, using: DictionaryCarrier())
        }
        return context
    }

    /// The 32-hex trace ID of a `traceparent` (`00-<trace>-<span>-<flags>`), for log metadata.
    public static func traceID(of traceparent: String) -> Substring? {
        let parts = traceparent.split(separator: "-")
        guard parts.count == 4, parts[1].utf8.count == 32 else { return nil }
        return parts[1]
    }
}

/// A `[String: String]` as the carrier of trace headers.
struct DictionaryCarrier: Injector, Extractor {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
