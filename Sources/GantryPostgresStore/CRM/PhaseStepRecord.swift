import GantryDomain
import FoundationEssentials
import Glibc

/// One step of a phase (for example `data_migration` in deployment & training).
public struct PhaseStepRecord: Sendable, Hashable {
    public var id: UUID
    /// The snake_case step key from `PhasePlan`.
    public var step: String
    public var ordinal: Int
    public var plannedStart: CalendarDay?
    public var plannedEnd: CalendarDay?
    public var actualStart: CalendarDay?
    public var actualEnd: CalendarDay?
    public var state: PhaseState

    public init(
        id: UUID, step: String, ordinal: Int, plannedStart: CalendarDay?, plannedEnd: CalendarDay?,
        actualStart: CalendarDay?, actualEnd: CalendarDay?, state: PhaseState
    ) {
        self.id = id
        self.step = step
        self.ordinal = ordinal
        self.plannedStart = plannedStart
        self.plannedEnd = plannedEnd
        self.actualStart = actualStart
        self.actualEnd = actualEnd
        self.state = state
    }
}
