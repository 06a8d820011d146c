import FoundationEssentials
import Glibc

/// Everything a worker needs to run a job, encoded once as JSON when the job is enqueued.
///
/// Times are Unix milliseconds so that Lua scripts and PostgreSQL read them without parsing;
/// `v` lets a future layout be read beside this one during a rolling upgrade.
public struct JobEnvelope: Sendable, Hashable, Codable {
    /// The encoding version written by this build.
    public static let currentVersion = 1
    /// The default cap on an encoded envelope; a payload that needs more belongs in PostgreSQL.
    public static let defaultMaxEncodedBytes = 512 * 1024

    public var v: Int
    public var id: JobID
    public var kind: String
    public var queue: QueueName
    public var payload: JSONValue
    public var projectID: String?
    /// The fairness group within the queue (see `QueueScripts`, "Groups"): jobs of one group take
    /// turns with every other group's, and a group's concurrency and rate limits apply to it. The
    /// CRM kinds default it to their project; nil: no group, leased as before groups existed.
    public var group: String?
    /// The number of the run this envelope is for: 1 on the first run, as a worker receives it in a
    /// `LeasedJob`; 0 in a job that has not been leased yet (as enqueued, and as stored while it
    /// waits). `JobInfo.attemptsUsed` counts the attempts used so far.
    public var attempt: Int
    public var maxAttempts: Int
    /// 0 (lowest) to 9 (highest); higher runs first, FIFO within a priority.
    public var priority: Int
    public var runAtMs: Int64
    public var timeoutMs: Int64
    public var uniqueKey: String?
    /// How long, from enqueue, a second job with the same `uniqueKey` is refused.
    public var uniqueForMs: Int64?
    public var enqueuedAtMs: Int64
    /// W3C trace context of the producer, so a trace continues into the worker.
    public var traceparent: String?
    public var parentID: JobID?

    public static let priorities = 0...9
    public static let defaultPriority = 5

    public init(
        id: JobID = JobID(), kind: String, queue: QueueName = .default, payload: JSONValue = .object([:]),
        projectID: String? = nil, group: String? = nil, attempt: Int = 0, maxAttempts: Int = 25, priority: Int = JobEnvelope.defaultPriority,
        runAtMs: Int64? = nil, timeoutMs: Int64 = 30 * 60 * 1000, uniqueKey: String? = nil, uniqueForMs: Int64? = nil,
        enqueuedAtMs: Int64 = WallClock.nowMs(), traceparent: String? = nil, parentID: JobID? = nil
    ) {
        self.v = Self.currentVersion
        self.id = id
        self.kind = kind
        self.queue = queue
        self.payload = payload
        self.projectID = projectID
        self.group = group
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.priority = priority
        self.runAtMs = runAtMs ?? enqueuedAtMs
        self.timeoutMs = timeoutMs
        self.uniqueKey = uniqueKey
        self.uniqueForMs = uniqueForMs
        self.enqueuedAtMs = enqueuedAtMs
        self.traceparent = traceparent
        self.parentID = parentID
    }

    /// Bounds on every numeric option. They keep every sum the queue and the workers make with these
    /// values (`now + delay`, `start + timeout`, `PX uniqueFor`) far from overflow, and refuse at
    /// the door what can only be a mistake, instead of storing a job that would crash or wedge
    /// whoever leases it.
    public static let maxTimeoutMs: Int64 = 7 * 24 * 3_600_000
    public static let maxUniqueForMs: Int64 = 366 * 24 * 3_600_000
    public static let maxDelayMs: Int64 = 10 * 366 * 24 * 3_600_000
    /// 2100-01-01T00:00:00Z: no job is scheduled later, and no clock reads later.
    public static let latestTimeMs: Int64 = 4_102_444_800_000
    public static let maxAttemptsRange = 1...1000
    /// Identifiers (kind, project ID, unique key) are short, printable text.
    public static let maxIdentifierBytes = 256

    /// Checks everything a caller may get wrong except the payload's shape (the kind registry checks
    /// that): numeric options within their bounds, identifiers without control characters, and a
    /// payload that can make the round trip through the queue (`JSONValue.validateStorable`).
    /// Both drivers run it again before storing, so no path into a queue skips it.
    public func validateOptions() throws(GantryError) {
        func bad(_ field: String, _ why: String) -> GantryError {
            GantryError(.invalidOption, why, field: field, jobID: id, queue: queue, kind: kind)
        }
        guard Self.priorities.contains(priority) else { throw bad("priority", "priority \(priority) is outside 0...9") }
        guard Self.maxAttemptsRange.contains(maxAttempts) else {
            throw bad("maxAttempts", "maxAttempts \(maxAttempts) is outside \(Self.maxAttemptsRange)")
        }
        guard (1...Self.maxTimeoutMs).contains(timeoutMs) else {
            throw bad("timeout", "timeout \(timeoutMs) ms is outside 1...\(Self.maxTimeoutMs) ms (7 days)")
        }
        guard (0...Self.latestTimeMs).contains(runAtMs) else {
            throw bad("runAt", "run-at \(runAtMs) ms is outside 0...\(Self.latestTimeMs) ms (1970 to 2100)")
        }
        guard (0...Self.latestTimeMs).contains(enqueuedAtMs) else {
            throw bad("enqueuedAt", "enqueued-at \(enqueuedAtMs) ms is outside 0...\(Self.latestTimeMs) ms (1970 to 2100)")
        }
        try Self.checkIdentifier(kind, field: "kind", error: bad)
        if let projectID { try Self.checkIdentifier(projectID, field: "projectID", error: bad) }
        if let group {
            do {
                try Self.validateGroup(group)
            } catch {
                throw bad("group", error.message)
            }
        }
        if let uniqueKey {
            try Self.checkIdentifier(uniqueKey, field: "uniqueKey", error: bad)
            guard let uniqueForMs, (1...Self.maxUniqueForMs).contains(uniqueForMs) else {
                throw bad("uniqueFor", "a unique key needs a uniqueness window of 1...\(Self.maxUniqueForMs) ms (366 days)")
            }
        } else if uniqueForMs != nil {
            throw bad("uniqueFor", "a uniqueness window needs a unique key")
        }
        if let traceparent, !Self.isTraceparent(traceparent) {
            throw bad("traceparent", "traceparent is not W3C trace context (00-<32 hex>-<16 hex>-<2 hex>)")
        }
        do {
            try payload.validateStorable(path: "payload")
        } catch {
            var e = error
            e.jobID = id
            e.queue = queue
            e.kind = kind
            throw e
        }
    }

    /// A group's name as a job and a queue's limits accept it: 1-256 bytes, no control character,
    /// and not `GroupLimit.everyGroup`, which names every group in a queue's limits.
    public static func validateGroup(_ group: String) throws(GantryError) {
        try checkIdentifier(group, field: "group") { field, message in GantryError(.invalidOption, message, field: field) }
        guard group != GroupLimit.everyGroup else {
            throw GantryError(
                .invalidOption, "group '\(group)' is reserved: it names every group in a queue's limits", field: "group")
        }
    }

    private static func checkIdentifier(
        _ value: String, field: String, error bad: (String, String) -> GantryError
    ) throws(GantryError) {
        guard !value.isEmpty, value.utf8.count <= maxIdentifierBytes else {
            throw bad(field, "\(field) must be 1-\(maxIdentifierBytes) bytes")
        }
        if let c = ControlCharacters.first(in: value, allowLineBreaks: false) {
            throw bad(field, "\(field) contains the control character \(ControlCharacters.name(c.scalar)) at byte \(c.offset)")
        }
    }

    static func isTraceparent(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        let lengths = [2, 32, 16, 2]
        return zip(parts, lengths).allSatisfy { part, n in
            part.utf8.count == n && part.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        }
    }

    /// The JSON the drivers store, checked against `maxBytes`.
    public func encoded(maxBytes: Int = JobEnvelope.defaultMaxEncodedBytes) throws(GantryError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        var first = true
        func key(_ k: String) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeString(k, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        func int(_ k: String, _ v: some BinaryInteger) { key(k); out.append(contentsOf: String(v).utf8) }
        func str(_ k: String, _ v: String?) { if let v { key(k); JSONWriter.writeString(v, to: &out) } }
        out.append(UInt8(ascii: "{"))
        int("v", v)
        str("id", id.description)
        str("kind", kind)
        str("queue", queue.rawValue)
        str("projectID", projectID)
        str("group", group)
        int("attempt", attempt)
        int("maxAttempts", maxAttempts)
        int("priority", priority)
        int("runAtMs", runAtMs)
        int("timeoutMs", timeoutMs)
        str("uniqueKey", uniqueKey)
        if let uniqueForMs { int("uniqueForMs", uniqueForMs) }
        int("enqueuedAtMs", enqueuedAtMs)
        str("traceparent", traceparent)
        str("parentID", parentID?.description)
        key("payload")
        payload.write(to: &out)
        out.append(UInt8(ascii: "}"))
        guard out.count <= maxBytes else {
            throw GantryError(
                .payloadTooLarge, "job is \(out.count) bytes encoded, over the limit of \(maxBytes) bytes",
                field: "payload", jobID: id, queue: queue, kind: kind)
        }
        return out
    }

    /// Reads what `encoded()` wrote; anything else is `corruptJob` (or `unsupportedVersion`).
    public static func decode(_ bytes: some Collection<UInt8>) throws(GantryError) -> JobEnvelope {
        func corrupt(_ why: String) -> GantryError { GantryError(.corruptJob, "job body is not a valid envelope: \(why)") }
        // The members are read in one pass into their fields, with no dictionary in between: this
        // runs for every job leased, and hashing each key in and out was a tenth of a worker's time.
        var fields = [JSONValue?](repeating: nil, count: Field.allCases.count)
        do {
            try JSONParser.forEachMember(of: bytes) { key, value in
                if let field = Field(key: key) { fields[field.rawValue] = value }
            }
        } catch {
            throw corrupt(error.reason)
        }
        func value(_ key: Field) -> JSONValue? { fields[key.rawValue] }
        func int(_ key: Field) throws(GantryError) -> Int64 {
            guard case .integer(let v)? = value(key) else { throw corrupt("'\(key)' is missing or not an integer") }
            return v
        }
        func optionalString(_ key: Field) throws(GantryError) -> String? {
            switch value(key) {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw corrupt("'\(key)' is not a string")
            }
        }
        func string(_ key: Field) throws(GantryError) -> String {
            guard let s = try optionalString(key) else { throw corrupt("'\(key)' is missing") }
            return s
        }
        let version = Int(try int(.v))
        guard let id = JobID(try string(.id)) else { throw corrupt("'id' is not a UUID") }
        guard version == currentVersion else {
            throw GantryError(.unsupportedVersion, "envelope version \(version) is not supported (this build reads \(currentVersion))", jobID: id)
        }
        guard let queue = try? QueueName(try string(.queue)) else { throw corrupt("'queue' is not a valid queue name") }
        var parentID: JobID?
        if let parent = try optionalString(.parentID) {
            guard let p = JobID(parent) else { throw corrupt("'parentID' is not a UUID") }
            parentID = p
        }
        var envelope = JobEnvelope(
            id: id, kind: try string(.kind), queue: queue, payload: value(.payload) ?? .null,
            projectID: try optionalString(.projectID), group: try optionalString(.group), attempt: Int(try int(.attempt)),
            maxAttempts: Int(try int(.maxAttempts)), priority: Int(try int(.priority)), runAtMs: try int(.runAtMs),
            timeoutMs: try int(.timeoutMs), uniqueKey: try optionalString(.uniqueKey),
            uniqueForMs: value(.uniqueForMs) == nil ? nil : try int(.uniqueForMs), enqueuedAtMs: try int(.enqueuedAtMs),
            traceparent: try optionalString(.traceparent), parentID: parentID)
        envelope.v = version
        return envelope
    }

    /// The members `decode` reads, named as in the JSON; any other member is ignored, as a newer
    /// writer's may be.
    private enum Field: Int, CaseIterable {
        case v, id, kind, queue, payload, projectID, group, attempt, maxAttempts, priority, runAtMs, timeoutMs, uniqueKey
        case uniqueForMs, enqueuedAtMs, traceparent, parentID

        init?(key: String) {
            switch key {
            case "v": self = .v
            case "id": self = .id
            case "kind": self = .kind
            case "queue": self = .queue
            case "payload": self = .payload
            case "projectID": self = .projectID
            case "group": self = .group
            case "attempt": self = .attempt
            case "maxAttempts": self = .maxAttempts
            case "priority": self = .priority
            case "runAtMs": self = .runAtMs
            case "timeoutMs": self = .timeoutMs
            case "uniqueKey": self = .uniqueKey
            case "uniqueForMs": self = .uniqueForMs
            case "enqueuedAtMs": self = .enqueuedAtMs
            case "traceparent": self = .traceparent
            case "parentID": self = .parentID
            default: return nil
            }
        }
    }

    public var runAt: Date { Date(timeIntervalSince1970: Double(runAtMs) / 1000) }
    public var enqueuedAt: Date { Date(timeIntervalSince1970: Double(enqueuedAtMs) / 1000) }
}
