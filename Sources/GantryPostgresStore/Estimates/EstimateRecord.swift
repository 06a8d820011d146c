import GantryDomain
import FoundationEssentials
import Glibc
import GantryPostgres

/// One stored schedule forecast of a project (`estimates`): the `NewEstimate` that was inserted (the
/// input and result as JSON, and the figures lists and reports filter on) with the id and creation
/// time the database gave it.
@dynamicMemberLookup
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
    public var createdAt: Date
    /// What was inserted; its fields read as the record's own (`record.p50Weeks`).
    public var estimate: NewEstimate

    public init(id: UUID, createdAt: Date, estimate: NewEstimate) {
        self.id = id
        self.createdAt = createdAt
        self.estimate = estimate
    }

    public subscript<Value>(dynamicMember field: WritableKeyPath<NewEstimate, Value>) -> Value {
        get { estimate[keyPath: field] }
        set { estimate[keyPath: field] = newValue }
    }

    /// `result`'s JSON bytes.
    public var resultJSON: [UInt8] { estimate.result.bytes }
}
