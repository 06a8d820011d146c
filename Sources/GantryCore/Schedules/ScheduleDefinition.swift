import FoundationEssentials

/// What a schedule is, as an operator declares it (a configuration file, the API, the built-in
/// defaults): a name, when it fires and which job each firing enqueues. Checked once here, so the
/// API, the file loader and the store refuse the same things with the same messages.
public struct ScheduleDefinition: Sendable, Hashable {
    /// What to do with firings that fell in a time no coordinator led (a downtime, a pause of all).
    public enum MissedFirings: String, Sendable, Hashable, CaseIterable, Codable {
        /// Enqueue every missed firing (at most `ScheduleDefinition.maxCatchUpPerTick` per round).
        case catchUp = "catch_up"
        /// Enqueue only the latest missed firing.
        case skip
    }

    /// The payload key that makes one firing fan out: `{"$for_each": "open_project", ...}` enqueues
    /// one job per project whose status is `planned` or `active`, each with the rest of the payload
    /// plus its `project_id`. The nightly re-forecast is declared that way.
    public static let forEachKey = "$for_each"
    /// The one fan-out there is: planned and active projects.
    public static let forEachOpenProject = "open_project"
    /// A kind the coordinator runs itself rather than enqueueing: the dead-letter digest (dead jobs
    /// per queue and kind over the last hour, from the job history, logged and exported as a metric).
    public static let deadLetterDigestKind = "gantry.dead_letter_digest"
    /// Most missed firings one schedule enqueues per round when catching up; the next round goes on.
    public static let maxCatchUpPerTick = 100

    public var name: String
    public var cron: String
    public var timeZone: String
    public var kind: String
    public var queue: String?
    public var payload: JSONValue
    public var missed: MissedFirings

    public init(
        name: String, cron: String, timeZone: String = "UTC", kind: String, queue: String? = nil,
        payload: JSONValue = .object([:]), missed: MissedFirings = .skip
    ) {
        self.name = name
        self.cron = cron
        self.timeZone = timeZone
        self.kind = kind
        self.queue = queue
        self.payload = payload
        self.missed = missed
    }

    /// The fan-out this schedule's firings make, if any.
    public var forEach: String? {
        if case .object(let fields) = payload, case .string(let s)? = fields[Self.forEachKey] { return s }
        return nil
    }

    /// The payload one job of a firing carries: without the fan-out key, with `project_id` when it fans out.
    public func jobPayload(projectID: String?) -> JSONValue {
        guard case .object(var fields) = payload else { return payload }
        fields[Self.forEachKey] = nil
        if let projectID { fields["project_id"] = .string(projectID) }
        return .object(fields)
    }

    /// Checks every field; the error says which one (`field`) and why, with the cron parser's
    /// message for a bad expression or zone.
    public func validate(registry: JobKindRegistry) throws(ScheduleDefinitionError) -> (CronExpression, TimeZone) {
        guard Self.isValidName(name) else {
            throw ScheduleDefinitionError(
                "name", "a schedule's name is 1-100 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit")
        }
        let expression: CronExpression
        let zone: TimeZone
        do {
            expression = try CronExpression(cron)
        } catch {
            throw ScheduleDefinitionError("cron", error.message)
        }
        guard cron.utf8.count <= 200 else { throw ScheduleDefinitionError("cron", "a cron expression is at most 200 bytes") }
        do {
            zone = try CronExpression.timeZone(named: timeZone)
        } catch {
            throw ScheduleDefinitionError("time_zone", error.message)
        }
        if let queue {
            do { _ = try QueueName(queue) } catch { throw ScheduleDefinitionError("queue", error.message) }
        }
        guard case .object = payload else { throw ScheduleDefinitionError("payload", "a schedule's payload is a JSON object") }
        if kind == Self.deadLetterDigestKind { return (expression, zone) }
        if let each = forEach, each != Self.forEachOpenProject {
            throw ScheduleDefinitionError(
                "payload.\(Self.forEachKey)", "'\(each)' is not a fan-out; the one there is is '\(Self.forEachOpenProject)'")
        }
        // A fanned-out payload is checked as one of its jobs will be, with a project ID filled in.
        let sample = jobPayload(projectID: forEach == nil ? nil : "00000000-0000-7000-8000-000000000000")
        do {
            try registry.validate(kind: kind, payload: sample)
        } catch {
            throw ScheduleDefinitionError(
                error.code == .unknownKind ? "kind" : "payload\(error.field.map { ".\($0)" } ?? "")", error.message)
        }
        return (expression, zone)
    }

    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...100).contains(bytes.count) else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard alnum(bytes[0]) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}
