/// The limits a queue puts on each of its groups (`JobEnvelope.group`): at most `concurrency`
/// jobs of one group leased at once, and at most `rate` started per period. nil: no limit.
public struct GroupLimit: Sendable, Hashable, Codable {
    public var concurrency: Int?
    public var rate: GroupRate?

    public init(concurrency: Int? = nil, rate: GroupRate? = nil) {
        self.concurrency = concurrency
        self.rate = rate
    }

    public var isEmpty: Bool { concurrency == nil && rate == nil }

    /// The scope that names every group of a queue in its limits (`QueueGroups.groupLimits`); no
    /// group may be called that (`JobEnvelope.validateGroup`).
    public static let everyGroup = "*"
}

/// At most `count` job starts per `periodMs`, in bursts of up to `count` (GCRA, as redis-cell and
/// Sidekiq Enterprise's leaky bucket do).
public struct GroupRate: Sendable, Hashable, Codable, CustomStringConvertible {
    public var count: Int
    public var periodMs: Int64

    public static let counts = 1...1_000_000
    public static let periods: ClosedRange<Int64> = 1...(7 * 24 * 3_600_000)

    public init(count: Int, periodMs: Int64) throws(GantryError) {
        guard Self.counts.contains(count) else {
            throw GantryError(.invalidOption, "a rate's count \(count) is outside \(Self.counts)", field: "rate")
        }
        guard Self.periods.contains(periodMs) else {
            throw GantryError(.invalidOption, "a rate's period \(periodMs) ms is outside 1 ms...7 days", field: "rate")
        }
        self.count = count
        self.periodMs = periodMs
    }

    /// `60/min`, `10/s`, `500/h`, `100/1500ms` (a count, a slash, a period: `ms`, `s`, `min`, `h`,
    /// `d`, with an optional number before the unit).
    public init(parsing text: String) throws(GantryError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        func bad() -> GantryError {
            GantryError(.invalidOption, "'\(text)' is not a rate: write it as <count>/<period>, e.g. 60/min, 10/s, 100/1500ms", field: "rate")
        }
        guard parts.count == 2, let count = Int(parts[0]) else { throw bad() }
        let period = parts[1]
        let digits = period.prefix { $0.isASCII && $0.isNumber }
        let unit = period.dropFirst(digits.count)
        let multiple = digits.isEmpty ? 1 : Int64(digits)
        let unitMs: Int64
        switch unit {
        case "ms": unitMs = 1
        case "s": unitMs = 1_000
        case "min", "m": unitMs = 60_000
        case "h": unitMs = 3_600_000
        case "d": unitMs = 86_400_000
        default: throw bad()
        }
        guard let multiple, multiple <= Self.periods.upperBound else { throw bad() }
        try self.init(count: count, periodMs: multiple * unitMs)
    }

    /// The rate as people write it and as `init(parsing:)` reads it back: the count over the largest
    /// unit that divides the period (`60/min`, `10/s`, `5/2h`, `100/1500ms`).
    public var description: String {
        let units: [(ms: Int64, name: String)] = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "min"), (1_000, "s")]
        for unit in units where periodMs % unit.ms == 0 {
            let multiple = periodMs / unit.ms
            return "\(count)/\(multiple == 1 ? "" : String(multiple))\(unit.name)"
        }
        return "\(count)/\(periodMs)ms"
    }
}

/// One group of a queue as operators see it.
public struct GroupStats: Sendable, Hashable, Codable {
    public var group: String
    /// Jobs ready (waiting their turn), and leased now.
    public var ready: Int
    public var running: Int
    /// The limits that apply to it: its own, or the queue's for every group.
    public var limit: GroupLimit
    /// True while it waits at its concurrency limit or for its rate.
    public var parked: Bool

    public init(group: String, ready: Int, running: Int, limit: GroupLimit, parked: Bool) {
        self.group = group
        self.ready = ready
        self.running = running
        self.limit = limit
        self.parked = parked
    }
}

/// An ability: per-group limits, set at run time and enforced by the lease itself (so they hold
/// across every worker and survive crashes: a lease that lapses frees its slot), and the busiest
/// groups of a queue. The in-memory driver leases groups as one line and has no limits.
public protocol QueueGroups: Sendable {
    /// Sets the limit of `group`, or of every group of the queue when nil (a group's own limit
    /// wins). An empty limit removes it. Groups parked under the old limits get their turn again.
    func setGroupLimit(queue: QueueName, group: String?, _ limit: GroupLimit) async throws

    /// The limits set on the queue: `GroupLimit.everyGroup` for every group, else per group.
    func groupLimits(queue: QueueName) async throws -> [String: GroupLimit]

    /// The `top` groups with the most work (ready + running), busiest first.
    func busiestGroups(queue: QueueName, top: Int) async throws -> [GroupStats]
}
