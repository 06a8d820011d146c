import GantryCore
import Tracing

extension Worker {
    /// Runs a job's handler inside a span that continues its producer's trace (the `traceparent` in
    /// the envelope), so a request, the job it enqueued and the job's SQL form one trace. A process
    /// that does not trace runs the handler directly: no span, no context, no cost per job.
    static func traced<T: Sendable>(_ envelope: JobEnvelope, _ body: () async throws -> T) async throws -> T {
        guard TraceContext.isEnabled else { return try await body() }
        return try await withSpan(
            envelope.kind, context: TraceContext.context(traceparent: envelope.traceparent), ofKind: .consumer
        ) { span in
            span.attributes["messaging.system"] = "gantry"
            span.attributes["messaging.operation.type"] = "process"
            span.attributes["messaging.destination.name"] = envelope.queue.rawValue
            span.attributes["messaging.message.id"] = "\(envelope.id)"
            span.attributes["gantry.job.kind"] = envelope.kind
            span.attributes["gantry.job.attempt"] = envelope.attempt
            if let project = envelope.projectID { span.attributes["gantry.project.id"] = project }
            return try await body()
        }
    }
}
