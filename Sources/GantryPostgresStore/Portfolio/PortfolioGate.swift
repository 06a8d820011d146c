import FoundationEssentials
import GantryDomain

/// A review gate that is not done yet: the step whose approval the next phase waits for.
public struct PortfolioGate: Sendable, Hashable {
    public var projectID: UUID
    public var projectName: String
    public var phase: DeliveryPhase
    public var step: String
    public var state: PhaseState
    public var plannedEnd: CalendarDay?

    public init(
        projectID: UUID, projectName: String, phase: DeliveryPhase, step: String, state: PhaseState, plannedEnd: CalendarDay?
    ) {
        self.projectID = projectID
        self.projectName = projectName
        self.phase = phase
        self.step = step
        self.state = state
        self.plannedEnd = plannedEnd
    }

    /// The gates the portfolio watches, as (phase, step): the phase model's review gates, each of which
    /// holds the next phase back until a person approves it.
    public static let watched: [(phase: DeliveryPhase, step: String)] = DeliveryPhase.allCases.compactMap { phase in
        phase.gate.map { (phase, $0) }
    }
}
