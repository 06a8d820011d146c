import FoundationEssentials
import GantryDomain

/// A go-live still ahead: the end of a project's `deployment_and_training`, as planned and as its
/// latest forecast's P80 finish puts it.
public struct PortfolioGoLive: Sendable, Hashable {
    public var projectID: UUID
    public var projectName: String
    /// The state of `deployment_and_training`.
    public var state: PhaseState
    public var planned: CalendarDay?
    public var p80Finish: CalendarDay?

    public init(projectID: UUID, projectName: String, state: PhaseState, planned: CalendarDay?, p80Finish: CalendarDay?) {
        self.projectID = projectID
        self.projectName = projectName
        self.state = state
        self.planned = planned
        self.p80Finish = p80Finish
    }
}
