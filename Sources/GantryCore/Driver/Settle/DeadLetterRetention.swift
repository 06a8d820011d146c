/// How long the dead letter keeps jobs. Both bounds hold at once: the oldest go first when there
/// are more than `maxJobs`, and any older than `maxAgeMs` go. Trimmed a little at every death, so
/// Redis memory stays bounded with no sweeper. The default is Sidekiq's: 10,000 jobs, 6 months.
public struct DeadLetterRetention: Sendable, Hashable {
    public var maxJobs: Int
    public var maxAgeMs: Int64
    public init(maxJobs: Int = 10_000, maxAgeMs: Int64 = 180 * 24 * 3_600_000) {
        self.maxJobs = maxJobs
        self.maxAgeMs = maxAgeMs
    }
    public static let `default` = DeadLetterRetention()

    public func validate() throws(GantryError) {
        guard maxJobs >= 1 else { throw GantryError(.invalidOption, "the dead letter must keep at least 1 job", field: "deadMaxJobs") }
        guard maxAgeMs >= 1 else { throw GantryError(.invalidOption, "the dead letter must keep jobs for at least 1 ms", field: "deadMaxAge") }
    }
}
