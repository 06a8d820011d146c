/// What the queue knows about one kind of job: its name and the shape of its payload.
/// Handlers live elsewhere (GantryWorker, GantryJobs); producers only need this.
public struct JobKindDescriptor: Sendable {
    public var name: String
    public var schema: PayloadSchema
    /// Defaults a producer gets unless it says otherwise.
    public var defaultQueue: QueueName
    public var defaultMaxAttempts: Int
    public var defaultTimeoutMs: Int64
    /// When true, a job of this kind that names a project and no group is grouped by its project
    /// (`JobEnvelope.group`), so one client's burst takes turns with every other client's work.
    public var groupsByProject: Bool

    public init(
        name: String, schema: PayloadSchema, defaultQueue: QueueName = .default,
        defaultMaxAttempts: Int = 25, defaultTimeoutMs: Int64 = 30 * 60 * 1000, groupsByProject: Bool = false
    ) {
        self.groupsByProject = groupsByProject
        self.name = name
        self.schema = schema
        self.defaultQueue = defaultQueue
        self.defaultMaxAttempts = defaultMaxAttempts
        self.defaultTimeoutMs = defaultTimeoutMs
    }
}

/// The kinds a process accepts. Enqueueing an unknown kind, or a payload its schema refuses,
/// fails here, so bad input never enters a queue.
public struct JobKindRegistry: Sendable {
    public private(set) var kinds: [String: JobKindDescriptor] = [:]

    public init(_ descriptors: [JobKindDescriptor] = []) {
        for d in descriptors { register(d) }
    }

    /// The registry every process starts from: the drill kinds `gantry.noop` and `gantry.sleep`.
    public static var builtIn: JobKindRegistry { JobKindRegistry([BuiltInKinds.noop, BuiltInKinds.sleep, BuiltInKinds.drill]) }

    public mutating func register(_ descriptor: JobKindDescriptor) {
        kinds[descriptor.name] = descriptor
    }

    public subscript(name: String) -> JobKindDescriptor? { kinds[name] }

    public var names: [String] { kinds.keys.sorted() }

    /// Returns the kind's descriptor when `payload` satisfies it; otherwise a precise error.
    @discardableResult
    public func validate(kind: String, payload: JSONValue) throws(GantryError) -> JobKindDescriptor {
        guard let descriptor = kinds[kind] else {
            throw GantryError(
                .unknownKind, "unknown job kind '\(kind)'; known kinds: \(names.joined(separator: ", "))", kind: kind)
        }
        do {
            try descriptor.schema.validate(payload)
        } catch {
            var e = error
            e.kind = kind
            throw e
        }
        return descriptor
    }
}

/// Kinds every worker runs, for drills and benchmarks.
public enum BuiltInKinds {
    /// Does nothing; measures the queue itself.
    public static let noop = JobKindDescriptor(
        name: "gantry.noop", schema: .object([.init("result", .bool, required: false)], additional: true))
    /// Sleeps `ms` milliseconds (at most an hour); exercises timeouts, heartbeats and drains.
    public static let sleep = JobKindDescriptor(
        name: "gantry.sleep", schema: .object([.init("ms", .integer(0...3_600_000))]))
    /// Inserts one row into `gantry_drill_rows` effectively-once (workers with PostgreSQL only):
    /// the drill that proves no effect is lost or doubled under crashes.
    public static let drill = JobKindDescriptor(
        name: "gantry.drill", schema: .object([.init("n", .integer(0...Int64(Int32.max)))]))
}
