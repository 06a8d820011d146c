import FoundationEssentials
import GantryDomain
import Glibc

/// One version of a project's plan (`project_baselines`): why it was made, the factors it was made
/// with and every phase's planned length and dates.
public struct ProjectBaselineRecord: Sendable, Hashable {
    public var projectID: UUID
    /// 1 for the plan the project was created with, then one more per change request.
    public var version: Int
    public var reason: String
    public var factors: ProjectFactors
    /// In phase order.
    public var phases: [PhaseBaseline]
    public var createdAt: Date

    public init(
        projectID: UUID, version: Int, reason: String, factors: ProjectFactors, phases: [PhaseBaseline], createdAt: Date
    ) {
        self.projectID = projectID
        self.version = version
        self.reason = reason
        self.factors = factors
        self.phases = phases
        self.createdAt = createdAt
    }

    /// The entry of one phase, if the baseline plans it.
    public func phase(_ key: DeliveryPhase) -> PhaseBaseline? { phases.first { $0.phase == key } }
}
