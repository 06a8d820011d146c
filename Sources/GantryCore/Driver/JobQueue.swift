/// What a producer asks for; `JobQueue` turns it into a validated envelope.
public struct JobRequest: Sendable {
    public var kind: String
    public var payload: JSONValue
    public var queue: QueueName?
    public var priority: Int
    public var maxAttempts: Int?
    /// Run no earlier than this many milliseconds from now.
    public var delayMs: Int64?
    public var runAtMs: Int64?
    public var timeoutMs: Int64?
    public var uniqueKey: String?
    public var uniqueForMs: Int64?
    public var projectID: String?
    /// The fairness group (`JobEnvelope.group`); nil: the kind's default (its project, for the
    /// kinds that group by project), else none.
    public var group: String?
    public var traceparent: String?
    public var parentID: JobID?

    public init(
        kind: String, payload: JSONValue = .object([:]), queue: QueueName? = nil,
        priority: Int = JobEnvelope.defaultPriority, maxAttempts: Int? = nil, delayMs: Int64? = nil,
        runAtMs: Int64? = nil, timeoutMs: Int64? = nil, uniqueKey: String? = nil, uniqueForMs: Int64? = nil,
        projectID: String? = nil, group: String? = nil, traceparent: String? = nil, parentID: JobID? = nil
    ) {
        self.group = group
        self.kind = kind
        self.payload = payload
        self.queue = queue
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.delayMs = delayMs
        self.runAtMs = runAtMs
        self.timeoutMs = timeoutMs
        self.uniqueKey = uniqueKey
        self.uniqueForMs = uniqueForMs
        self.projectID = projectID
        self.traceparent = traceparent
        self.parentID = parentID
    }
}

/// The producer's front door: validates kinds, payloads and options against the registry, then
/// hands envelopes to the driver. In a bulk enqueue every job is checked before any is stored,
/// so a bad job in a batch stores nothing.
public struct JobQueue: Sendable {
    public let driver: any JobQueueBackend
    public let registry: JobKindRegistry
    /// Shared by every copy of this queue, so concurrent single enqueues from anywhere coalesce.
    private let batcher: EnqueueBatcher

    public init(driver: any JobQueueBackend, registry: JobKindRegistry = .builtIn) {
        self.driver = driver
        self.registry = registry
        self.batcher = EnqueueBatcher(driver: driver)
    }

    public func envelope(for request: JobRequest, nowMs: Int64 = WallClock.nowMs()) throws(GantryError) -> JobEnvelope {
        let descriptor = try registry.validate(kind: request.kind, payload: request.payload)
        var runAt = request.runAtMs ?? nowMs
        if let delay = request.delayMs {
            guard (0...JobEnvelope.maxDelayMs).contains(delay) else {
                throw GantryError(
                    .invalidOption, "delay \(delay) ms is outside 0...\(JobEnvelope.maxDelayMs) ms (10 years)",
                    field: "delay", kind: request.kind)
            }
            // Both are bounded (the clock by 2100, the delay by 10 years), so the sum cannot overflow;
            // validateOptions then refuses a run-at past 2100.
            runAt = min(nowMs, JobEnvelope.latestTimeMs) + delay
        }
        let envelope = JobEnvelope(
            kind: request.kind, queue: request.queue ?? descriptor.defaultQueue, payload: request.payload,
            projectID: request.projectID, group: request.group ?? (descriptor.groupsByProject ? request.projectID : nil),
            maxAttempts: request.maxAttempts ?? descriptor.defaultMaxAttempts,
            priority: request.priority, runAtMs: runAt, timeoutMs: request.timeoutMs ?? descriptor.defaultTimeoutMs,
            uniqueKey: request.uniqueKey, uniqueForMs: request.uniqueKey == nil ? nil : (request.uniqueForMs ?? 3_600_000),
            enqueuedAtMs: nowMs, traceparent: request.traceparent ?? TraceContext.currentTraceparent(),
            parentID: request.parentID)
        try envelope.validateOptions()
        return envelope
    }

    /// One job. Concurrent calls are coalesced into batched driver calls (`EnqueueBatcher`), so a
    /// producer that enqueues one job per request (the API) costs no Redis round trip per job.
    public func enqueue(_ request: JobRequest) async throws -> EnqueueResult {
        try await batcher.enqueue(try envelope(for: request))
    }

    /// One round trip per queue for the whole batch.
    public func enqueue(_ requests: [JobRequest]) async throws -> [EnqueueResult] {
        let now = WallClock.nowMs()
        var envelopes: [JobEnvelope] = []
        envelopes.reserveCapacity(requests.count)
        for r in requests { envelopes.append(try envelope(for: r, nowMs: now)) }
        return try await driver.enqueue(envelopes)
    }
}
