/// One phase of a project's baseline: its planned length and dates, and how that length was made,
/// so the plan can be explained (and calibration can take the factors back out).
///
/// `plannedWeeks = baseWeeks × multiplier`, in calendar weeks of seven days (the baseline is a
/// plan in calendar days; the working calendar belongs to the forecast). An ongoing phase
/// (maintenance) has no length and no end.
public struct PhaseBaseline: Sendable, Hashable, Codable {
    public var phase: DeliveryPhase
    /// Weeks before the factor multipliers: the seed's midpoint, or what a change request set.
    public var baseWeeks: Double?
    /// `FactorMultipliers.multiplier(for:phase:)` of the project's factors when it was planned.
    public var multiplier: Double
    public var plannedWeeks: Double?
    public var plannedStart: CalendarDay
    /// Inclusive; nil for an ongoing phase.
    public var plannedEnd: CalendarDay?

    public init(
        phase: DeliveryPhase, baseWeeks: Double?, multiplier: Double, plannedWeeks: Double?, plannedStart: CalendarDay,
        plannedEnd: CalendarDay?
    ) {
        self.phase = phase
        self.baseWeeks = baseWeeks
        self.multiplier = multiplier
        self.plannedWeeks = plannedWeeks
        self.plannedStart = plannedStart
        self.plannedEnd = plannedEnd
    }

    /// Calendar days from the start through the end (nil when ongoing).
    public var plannedDays: Int? { plannedEnd.map { plannedStart.days(until: $0) + 1 } }

    enum CodingKeys: String, CodingKey {
        case phase
        case baseWeeks = "base_weeks"
        case multiplier
        case plannedWeeks = "planned_weeks"
        case plannedStart = "planned_start"
        case plannedEnd = "planned_end"
    }
}
