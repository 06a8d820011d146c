/// Plans a project's phases from its four factors: each phase lasts its base weeks (the seed's
/// midpoint unless a change request set its own) × the factors' multiplier for that phase, and the
/// phases run end to end. So an enterprise client's plan is longer from day one, instead of the
/// seed's midpoints making every large project look late.
///
/// A re-baseline (a change request) keeps the phases already done as they were planned and lays
/// out the rest from where the work stands: from the actual start of a phase under way, else the
/// day after the last done phase ended, else the project's start.
public struct BaselinePlanner: Sendable {
    public var multipliers: FactorMultipliers

    public init(multipliers: FactorMultipliers = .defaults) { self.multipliers = multipliers }

    /// What the planner keeps of a phase that is done or under way.
    public struct Progress: Sendable, Hashable {
        public var done: Bool
        public var actualStart: CalendarDay?
        public var actualEnd: CalendarDay?

        public init(done: Bool, actualStart: CalendarDay?, actualEnd: CalendarDay?) {
            self.done = done
            self.actualStart = actualStart
            self.actualEnd = actualEnd
        }
    }

    /// The seed's base weeks: each phase's midpoint; nil for maintenance, which is ongoing.
    public static var seedWeeks: [DeliveryPhase: Double] {
        var weeks: [DeliveryPhase: Double] = [:]
        for phase in DeliveryPhase.allCases where phase.isSimulatedByDefault {
            weeks[phase] = (phase.typicalWeeks.min + phase.typicalWeeks.max) / 2
        }
        return weeks
    }

    /// A planned length in whole calendar days, at least one.
    public static func days(forWeeks weeks: Double) -> Int { max(1, Int((weeks * 7).rounded())) }

    /// The first baseline of a project starting on `start`.
    public func initial(start: CalendarDay, factors: DeliveryFactors, baseWeeks: [DeliveryPhase: Double] = seedWeeks)
        -> [PhaseBaseline]
    {
        layOut(DeliveryPhase.allCases, from: start, factors: factors, baseWeeks: baseWeeks)
    }

    /// A new baseline over `previous`: phases done keep their entry; the others get `factors`'
    /// multipliers and `baseWeeks` (a phase missing there keeps its previous base weeks) and are laid
    /// out end to end from where the work stands.
    public func rebaseline(
        _ previous: [PhaseBaseline], progress: [DeliveryPhase: Progress], projectStart: CalendarDay,
        factors: DeliveryFactors, baseWeeks: [DeliveryPhase: Double]
    ) -> [PhaseBaseline] {
        var kept: [PhaseBaseline] = []
        var anchor = projectStart
        var open: [DeliveryPhase] = []
        var weeks: [DeliveryPhase: Double] = [:]
        for entry in previous {
            weeks[entry.phase] = baseWeeks[entry.phase] ?? entry.baseWeeks
            let state = progress[entry.phase]
            if open.isEmpty, state?.done == true {
                kept.append(entry)
                if let end = state?.actualEnd ?? entry.plannedEnd { anchor = end.adding(days: 1) }
                continue
            }
            if open.isEmpty, let started = state?.actualStart { anchor = started }
            open.append(entry.phase)
        }
        return kept + layOut(open, from: anchor, factors: factors, baseWeeks: weeks)
    }

    /// Phases end to end from `start`; a phase without base weeks is ongoing and has no end.
    func layOut(_ phases: [DeliveryPhase], from start: CalendarDay, factors: DeliveryFactors, baseWeeks: [DeliveryPhase: Double])
        -> [PhaseBaseline]
    {
        var next = start
        return phases.map { phase in
            let multiplier = multipliers.multiplier(for: factors, phase: phase)
            guard let base = baseWeeks[phase] else {
                return PhaseBaseline(
                    phase: phase, baseWeeks: nil, multiplier: multiplier, plannedWeeks: nil, plannedStart: next, plannedEnd: nil)
            }
            let planned = base * multiplier
            let begin = next
            next = begin.adding(days: Self.days(forWeeks: planned))
            return PhaseBaseline(
                phase: phase, baseWeeks: base, multiplier: multiplier, plannedWeeks: planned, plannedStart: begin,
                plannedEnd: next.adding(days: -1))
        }
    }

    /// Checks a change request's base weeks: each positive, finite and at most 520 weeks (ten years),
    /// and not for an ongoing phase.
    public static func validate(baseWeeks: [DeliveryPhase: Double], field: String = "phase_weeks") throws(DomainError) {
        for (phase, weeks) in baseWeeks.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard phase.isSimulatedByDefault else {
                throw DomainError(.invalidValue, field: "\(field).\(phase.rawValue)", "maintenance is ongoing and has no planned length")
            }
            guard weeks.isFinite, weeks > 0, weeks <= 520 else {
                throw DomainError(.outOfRange, field: "\(field).\(phase.rawValue)", "must be more than 0 and at most 520 weeks, got \(weeks)")
            }
        }
    }
}
