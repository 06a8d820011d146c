import GantryDomain

/// The seed's phase model as a table (DESIGN.md "Phase model"): each phase, its steps in order and its
/// typical duration. A new project gets one `phases` row per entry and one `phase_steps` row per step.
///
/// Built from the domain's `DeliveryPhase` (its steps and typical weeks), so the baseline a project
/// is created with and the model the estimator samples are one table. The baseline's lengths are
/// these midpoints times the project's factor multipliers (`BaselinePlanner`).
public struct PhasePlan: Sendable, Hashable {
    public var phase: DeliveryPhase
    public var steps: [String]
    /// The seed's typical range in weeks; `nil` for maintenance, which the seed calls ongoing.
    public var typicalWeeks: ClosedRange<Int>?

    public init(phase: DeliveryPhase, steps: [String], typicalWeeks: ClosedRange<Int>?) {
        self.phase = phase
        self.steps = steps
        self.typicalWeeks = typicalWeeks
    }

    /// Every phase in order; maintenance, which the seed calls ongoing, without a typical range.
    public static let seed: [PhasePlan] = DeliveryPhase.allCases.map { phase in
        PhasePlan(
            phase: phase, steps: phase.steps,
            typicalWeeks: phase.isSimulatedByDefault
                ? Int(phase.typicalWeeks.min)...Int(phase.typicalWeeks.max) : nil)
    }

    /// The planned length in calendar days: the midpoint of the typical range (the mode the
    /// estimator assumes when the seed gives a range only); `nil` when ongoing.
    public var plannedDays: Int? {
        typicalWeeks.map { ($0.lowerBound + $0.upperBound) * 7 / 2 }
    }
}

/// Planned dates for one phase and its steps.
struct PlannedPhase: Sendable {
    struct Step: Sendable {
        var key: String
        var ordinal: Int
        var start: CalendarDay
        var end: CalendarDay?
    }

    var phase: DeliveryPhase
    var ordinal: Int
    var start: CalendarDay
    var end: CalendarDay?
    var steps: [Step]

    /// The phases of a baseline (`BaselinePlanner`: factor multipliers applied, laid end to end in
    /// calendar days, since the working calendar belongs to the forecast, not to the baseline) with
    /// their steps. End dates are inclusive. A phase's days are shared evenly by its steps in order,
    /// since the seed gives no step durations. An ongoing phase has no end, and its steps all run
    /// from its start, side by side.
    static func schedule(_ baseline: [PhaseBaseline]) -> [PlannedPhase] {
        baseline.map { entry in
            let ordinal = (DeliveryPhase.allCases.firstIndex(of: entry.phase) ?? 0) + 1
            let keys = entry.phase.steps
            let phaseStart = entry.plannedStart
            guard let days = entry.plannedDays else {
                let steps = keys.enumerated().map { Step(key: $1, ordinal: $0 + 1, start: phaseStart, end: nil) }
                return PlannedPhase(phase: entry.phase, ordinal: ordinal, start: phaseStart, end: nil, steps: steps)
            }
            let count = max(keys.count, 1)
            let steps = keys.enumerated().map { i, key in
                let from = days * i / count
                let to = max(days * (i + 1) / count, from + 1)
                return Step(key: key, ordinal: i + 1, start: phaseStart.adding(days: from), end: phaseStart.adding(days: to - 1))
            }
            return PlannedPhase(phase: entry.phase, ordinal: ordinal, start: phaseStart, end: entry.plannedEnd, steps: steps)
        }
    }
}
