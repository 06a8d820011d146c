import GantryCore
import Logging
import Testing

/// What the queue does with trace context when the process does not trace (these tests bootstrap no
/// tracer: the cluster's trace test covers an exporting process end to end).
@Suite("Trace context")
struct TraceContextTests {
    static let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    @Test func aJobKeepsTheTraceparentItsProducerGaveAndGetsNoneOutsideATrace() throws {
        let queue = JobQueue(driver: MemoryJobQueueDriver())
        let given = try queue.envelope(for: JobRequest(kind: "gantry.noop", payload: [:], traceparent: Self.traceparent))
        #expect(given.traceparent == Self.traceparent)
        let plain = try queue.envelope(for: JobRequest(kind: "gantry.noop", payload: [:]))
        #expect(plain.traceparent == nil)
        #expect(TraceContext.currentTraceparent() == nil)
    }

    @Test func theTraceIDIsReadFromAWellFormedTraceparentOnly() {
        #expect(TraceContext.traceID(of: Self.traceparent) == "0af7651916cd43dd8448eb211c80319c")
        #expect(TraceContext.traceID(of: "00-short-b7ad6b7169203331-01") == nil)
        #expect(TraceContext.traceID(of: "garbage") == nil)
    }

    @Test func aJobsLoggerCarriesItsJobAndTraceIDs() {
        let envelope = JobEnvelope(kind: "gantry.noop", payload: [:], traceparent: Self.traceparent)
        let context = JobContext(envelope: envelope, logger: Logger(label: "test"), deadlineMs: 0, progress: { _, _ in })
        #expect(context.logger[metadataKey: "job"] == "\(envelope.id)")
        #expect(context.logger[metadataKey: "trace_id"] == "0af7651916cd43dd8448eb211c80319c")
        let untraced = JobContext(
            envelope: JobEnvelope(kind: "gantry.noop", payload: [:]), logger: Logger(label: "test"), deadlineMs: 0,
            progress: { _, _ in })
        #expect(untraced.logger[metadataKey: "trace_id"] == nil)
    }
}
