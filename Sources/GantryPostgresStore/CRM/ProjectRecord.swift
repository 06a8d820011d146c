import GantryDomain
import FoundationEssentials
import Glibc

/// A delivery project with its phases and their steps, as stored in `projects`, `phases` and `phase_steps`.
public struct ProjectRecord: Sendable, Hashable {
    /// The `projects.status` check (the domain's ``ProjectStatus``).
    public typealias Status = ProjectStatus

    public var id: UUID
    public var clientID: UUID
    public var name: String
    public var startDate: CalendarDay
    public var targetDate: CalendarDay?
    public var factors: ProjectFactors
    public var status: Status
    public var createdAt: Date
    public var updatedAt: Date
    /// In phase order.
    public var phases: [PhaseRecord]
    /// The project's working calendar; nil when none was set (weekends off, no holidays).
    public var calendar: ProjectCalendar?
    /// The risk register, open and closed entries in their order.
    public var risks: [ProjectRisk]

    public init(
        id: UUID, clientID: UUID, name: String, startDate: CalendarDay, targetDate: CalendarDay?,
        factors: ProjectFactors, status: Status, createdAt: Date, updatedAt: Date, phases: [PhaseRecord],
        calendar: ProjectCalendar? = nil, risks: [ProjectRisk] = []
    ) {
        self.id = id
        self.clientID = clientID
        self.name = name
        self.startDate = startDate
        self.targetDate = targetDate
        self.factors = factors
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.phases = phases
        self.calendar = calendar
        self.risks = risks
    }

    public func phase(_ key: DeliveryPhase) -> PhaseRecord? { phases.first { $0.phase == key } }
}
