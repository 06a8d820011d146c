import FoundationEssentials
import GantryCore

/// One row of `schedule_firings`: a firing that was enqueued, by which leader.
public struct ScheduleFiringRecord: Sendable, Hashable {
    public var schedule: String
    public var fireAt: Date
    /// The job it enqueued; for a fan-out, the firing's own ID, which each of its jobs names as parent.
    public var jobID: JobID
    public var fence: UInt64
    public var enqueuedAt: Date

    public init(schedule: String, fireAt: Date, jobID: JobID, fence: UInt64, enqueuedAt: Date) {
        self.schedule = schedule
        self.fireAt = fireAt
        self.jobID = jobID
        self.fence = fence
        self.enqueuedAt = enqueuedAt
    }
}
