/// The error of the queue's vocabulary: a stable code for programs, a message for people, and
/// context (job, queue, field) so a log line or an API answer can say exactly what was wrong.
public struct GantryError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidQueueName = Code("invalid_queue_name")
        public static let unknownKind = Code("unknown_kind")
        public static let invalidPayload = Code("invalid_payload")
        public static let payloadTooLarge = Code("payload_too_large")
        public static let invalidOption = Code("invalid_option")
        public static let corruptJob = Code("corrupt_job")
        public static let unsupportedVersion = Code("unsupported_version")
        public static let notFound = Code("not_found")
        public static let storage = Code("storage")
        /// The lease presented is no longer held (it lapsed, or the job was leased again).
        public static let leaseLost = Code("lease_lost")
    }

    public var code: Code
    public var message: String
    /// The payload field at fault, as a JSON path such as `phases[2].max`, when there is one.
    public var field: String?
    public var jobID: JobID?
    public var queue: QueueName?
    public var kind: String?

    public init(
        _ code: Code, _ message: String, field: String? = nil, jobID: JobID? = nil,
        queue: QueueName? = nil, kind: String? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.jobID = jobID
        self.queue = queue
        self.kind = kind
    }

    public var description: String {
        var s = "\(code): \(message)"
        if let field { s += " (field \(field))" }
        if let kind { s += " [kind \(kind)]" }
        if let jobID { s += " [job \(jobID)]" }
        if let queue { s += " [queue \(queue)]" }
        return s
    }
}
