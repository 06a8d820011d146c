import FoundationEssentials
import Glibc
import Logging

/// Runs one kind of job. A handler gets its payload decoded and a context, and returns a result
/// (kept in `job_results`) or throws: `JobError.permanent` sends the job to the dead letter at
/// once, anything else is retried with the worker's retry strategy.
///
/// Handlers never speak Redis: the worker leases, heartbeats, acks and retries around them.
/// A handler with side effects makes them effectively-once by writing them in the same
/// transaction as its result (GantryPostgresStore's `ResultLedger`).
public protocol JobHandler: Sendable {
    associatedtype Payload: Decodable & Sendable
    /// The kind this handler runs, e.g. `report.build`.
    var kind: String { get }
    func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue?
}

/// What a running job may know and do besides its payload.
public struct JobContext: Sendable {
    public var envelope: JobEnvelope
    private let baseLogger: Logger
    /// When the worker stops the job for overrunning its timeout.
    public var deadlineMs: Int64
    let progressSink: @Sendable (Int, String?) async throws -> Void

    public init(
        envelope: JobEnvelope, logger: Logger, deadlineMs: Int64,
        progress: @escaping @Sendable (Int, String?) async throws -> Void
    ) {
        self.envelope = envelope
        self.baseLogger = logger
        self.deadlineMs = deadlineMs
        self.progressSink = progress
    }

    /// The worker's logger with the job's ID and kind (and trace ID, when its producer traced) attached; built
    /// on use, as most jobs never log.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "job"] = "\(envelope.id)"
        logger[metadataKey: "kind"] = "\(envelope.kind)"
        if let traceparent = envelope.traceparent, let trace = TraceContext.traceID(of: traceparent) {
            logger[metadataKey: "trace_id"] = "\(trace)"
        }
        return logger
    }

    public var jobID: JobID { envelope.id }
    /// 1 on the first run.
    public var attempt: Int { envelope.attempt }
    public var isLastAttempt: Bool { envelope.attempt >= envelope.maxAttempts }

    /// Stores progress (0–100) and a message with the job, for `gantry jobs` and the dashboard.
    /// Progress is advisory: a failure to store it is logged, not thrown.
    public func reportProgress(_ percent: Int, _ message: String? = nil) async {
        do {
            try await progressSink(percent, message)
        } catch {
            logger.debug("progress not stored", metadata: ["error": "\(error)"])
        }
    }

    /// Throws `CancellationError` when the job was cancelled, timed out or lost its lease;
    /// long handlers call it between steps.
    public func checkCancellation() throws {
        try Task.checkCancellation()
    }
}

/// A handler's way to say how a failure should be treated.
public struct JobError: Error, Sendable, CustomStringConvertible {
    public enum Disposition: Sendable, Hashable {
        /// Retry with the worker's backoff (or after `retryAfterMs` when given).
        case retryable(retryAfterMs: Int64?)
        /// Do not retry: dead letter now, with the message.
        case permanent
    }

    public var disposition: Disposition
    public var message: String

    public static func retryable(_ message: String, after ms: Int64? = nil) -> JobError {
        JobError(disposition: .retryable(retryAfterMs: ms), message: message)
    }

    public static func permanent(_ message: String) -> JobError {
        JobError(disposition: .permanent, message: message)
    }

    public var description: String { message }
}
