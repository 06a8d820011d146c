import GantryDomain

/// A change request: why the plan changes, and what changes with it. Factors or weeks left nil keep
/// the project's; phases already done are never re-planned.
public struct BaselineChange: Sendable, Hashable {
    public var reason: String
    /// The project's new factors (they are also written to `projects.factors`).
    public var factors: ProjectFactors?
    /// New base weeks (before the multipliers) per phase.
    public var baseWeeks: [DeliveryPhase: Double]

    public init(reason: String, factors: ProjectFactors? = nil, baseWeeks: [DeliveryPhase: Double] = [:]) {
        self.reason = reason
        self.factors = factors
        self.baseWeeks = baseWeeks
    }
}
