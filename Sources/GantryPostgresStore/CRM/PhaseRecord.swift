import GantryDomain
import FoundationEssentials
import Glibc

/// One phase of a project: planned and actual dates (inclusive), its state and its steps.
public struct PhaseRecord: Sendable, Hashable {
    public var id: UUID
    public var phase: DeliveryPhase
    /// 1 to 5, the seed's order.
    public var ordinal: Int
    public var plannedStart: CalendarDay?
    /// `nil` for an ongoing phase (maintenance).
    public var plannedEnd: CalendarDay?
    public var actualStart: CalendarDay?
    public var actualEnd: CalendarDay?
    public var state: PhaseState
    /// In step order.
    public var steps: [PhaseStepRecord]

    public init(
        id: UUID, phase: DeliveryPhase, ordinal: Int, plannedStart: CalendarDay?, plannedEnd: CalendarDay?,
        actualStart: CalendarDay?, actualEnd: CalendarDay?, state: PhaseState, steps: [PhaseStepRecord]
    ) {
        self.id = id
        self.phase = phase
        self.ordinal = ordinal
        self.plannedStart = plannedStart
        self.plannedEnd = plannedEnd
        self.actualStart = actualStart
        self.actualEnd = actualEnd
        self.state = state
        self.steps = steps
    }
}
