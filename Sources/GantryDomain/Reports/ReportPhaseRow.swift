/// One row of a report's phase table: planned against actual dates, the state, and how many of the
/// phase's steps are done.
public struct ReportPhaseRow: Sendable, Hashable, Codable {
    public var phase: DeliveryPhase
    /// 1 to 5, the seed's order.
    public var ordinal: Int
    /// The stored state: pending, active, in_review, done or blocked.
    public var state: String
    public var plannedStart: CalendarDay?
    /// Nil for an ongoing phase (maintenance).
    public var plannedEnd: CalendarDay?
    public var actualStart: CalendarDay?
    public var actualEnd: CalendarDay?
    public var stepsDone: Int
    public var stepsTotal: Int
    /// Whole percent of steps done; 100 for a done phase without steps, 0 for any other.
    public var percentDone: Int
    /// Actual end minus planned end in calendar days (positive: late); nil until both are known.
    public var endVarianceDays: Int?

    public init(
        phase: DeliveryPhase, ordinal: Int, state: String, plannedStart: CalendarDay?, plannedEnd: CalendarDay?,
        actualStart: CalendarDay?, actualEnd: CalendarDay?, stepsDone: Int, stepsTotal: Int
    ) {
        self.phase = phase
        self.ordinal = ordinal
        self.state = state
        self.plannedStart = plannedStart
        self.plannedEnd = plannedEnd
        self.actualStart = actualStart
        self.actualEnd = actualEnd
        self.stepsDone = stepsDone
        self.stepsTotal = stepsTotal
        if stepsTotal > 0 {
            percentDone = Int((Double(Swift.min(stepsDone, stepsTotal)) * 100 / Double(stepsTotal)).rounded(.down))
        } else {
            percentDone = state == "done" ? 100 : 0
        }
        if let plannedEnd, let actualEnd {
            endVarianceDays = actualEnd.dayNumber - plannedEnd.dayNumber
        }
    }

    /// The phase's name for people ("System design").
    public var title: String { phase.title }

    enum CodingKeys: String, CodingKey {
        case phase, ordinal, state
        case plannedStart = "planned_start"
        case plannedEnd = "planned_end"
        case actualStart = "actual_start"
        case actualEnd = "actual_end"
        case stepsDone = "steps_done"
        case stepsTotal = "steps_total"
        case percentDone = "percent_done"
        case endVarianceDays = "end_variance_days"
    }
}
