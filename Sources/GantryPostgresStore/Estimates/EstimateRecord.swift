import GantryDomain
import FoundationEssentials
import Glibc
import GantryPostgres

/// One stored schedule forecast of a project (`estimates`): the input and result as JSON, and the
/// figures lists and reports filter on.
public struct EstimateRecord: Sendable, Hashable {
    /// The `estimates.kind` check.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// No phase is done yet: every phase is sampled.
        case forecast
        /// Some phases are done: their actual durations replace sampling.
        case reforecast
        /// Factor multipliers fitted on the firm's finished projects.
        case calibration
    }

    public var id: UUID
    public var projectID: UUID
    /// The job that produced it.
    public var jobID: UUID
    public var kind: Kind
    /// GantryDomain's `EstimateInput` as JSON: with `seed`, enough to reproduce the result exactly.
    public var input: PostgresJSON
    /// GantryDomain's `EstimateResult` as JSON.
    public var result: PostgresJSON
    public var trials: Int
    public var seed: Int64
    /// Total duration in working weeks, rounded to a thousandth.
    public var p50Weeks: Double
    public var p80Weeks: Double
    public var p90Weeks: Double
    public var p80Finish: CalendarDay?
    /// Share of trials that finish by the project's target date; nil without one.
    public var probabilityOnTime: Double?
    public var createdAt: Date

    /// `result`'s JSON bytes.
    public var resultJSON: [UInt8] { result.bytes }

    public init(
        id: UUID, projectID: UUID, jobID: UUID, kind: Kind, input: PostgresJSON, result: PostgresJSON, trials: Int,
        seed: Int64, p50Weeks: Double, p80Weeks: Double, p90Weeks: Double, p80Finish: CalendarDay?,
        probabilityOnTime: Double?, createdAt: Date
    ) {
        self.id = id
        self.projectID = projectID
        self.jobID = jobID
        self.kind = kind
        self.input = input
        self.result = result
        self.trials = trials
        self.seed = seed
        self.p50Weeks = p50Weeks
        self.p80Weeks = p80Weeks
        self.p90Weeks = p90Weeks
        self.p80Finish = p80Finish
        self.probabilityOnTime = probabilityOnTime
        self.createdAt = createdAt
    }
}
