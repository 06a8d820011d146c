import GantryDomain
import FoundationEssentials
import Glibc
import GantryPostgres

/// What `EstimateRepository.insert` writes: an `EstimateRecord` before the database gives it an id
/// and a creation time.
public struct NewEstimate: Sendable, Hashable {
    public var projectID: UUID
    public var jobID: UUID
    public var kind: EstimateRecord.Kind
    public var input: PostgresJSON
    public var result: PostgresJSON
    public var trials: Int
    /// At least 0 (the engine's seed is a `UInt64`; the column is a `bigint`).
    public var seed: Int64
    public var p50Weeks: Double
    public var p80Weeks: Double
    public var p90Weeks: Double
    public var p80Finish: CalendarDay?
    public var probabilityOnTime: Double?

    public init(
        projectID: UUID, jobID: UUID, kind: EstimateRecord.Kind, input: PostgresJSON, result: PostgresJSON,
        trials: Int, seed: Int64, p50Weeks: Double, p80Weeks: Double, p90Weeks: Double, p80Finish: CalendarDay?,
        probabilityOnTime: Double?
    ) {
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
    }

    /// The same, with the input and result given as their JSON bytes.
    public init(
        projectID: UUID, jobID: UUID, kind: EstimateRecord.Kind, inputJSON: [UInt8], resultJSON: [UInt8],
        trials: Int, seed: Int64, p50Weeks: Double, p80Weeks: Double, p90Weeks: Double, p80Finish: CalendarDay?,
        probabilityOnTime: Double?
    ) {
        self.init(
            projectID: projectID, jobID: jobID, kind: kind, input: PostgresJSON(bytes: inputJSON),
            result: PostgresJSON(bytes: resultJSON), trials: trials, seed: seed, p50Weeks: p50Weeks, p80Weeks: p80Weeks,
            p90Weeks: p90Weeks, p80Finish: p80Finish, probabilityOnTime: probabilityOnTime)
    }
}
