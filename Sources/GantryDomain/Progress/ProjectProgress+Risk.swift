extension ProjectProgress {
    /// Re-evaluates the at-risk rule as of `day`: the project is at risk while a phase that has
    /// started and is not done has run longer than its forecast P80 (``limits``, from the latest
    /// forecast), or while its P80 finish has slipped across its recent forecasts (`slip`, from
    /// ``ForecastSlipRule``). Done projects and phases without a limit never count.
    ///
    /// Why a phase's own P80 and not the project's finish: it flags the slipping phase while there is
    /// still time to act, and a forecast's phase P80s are what the delivery manager agreed to. The
    /// slip catches what phase limits cannot: a re-forecast that moves the finish out while the
    /// current phase still looks on time.
    /// - Returns: `project_at_risk` or `project_back_on_track` when the flag changed, else nothing.
    public mutating func review(limits: PhaseLimits, slip: ForecastSlip? = nil, on day: CalendarDay) -> [ProgressEvent] {
        guard status.isOpen else { return [] }
        let late = lateness(limits: limits, on: day)
        switch (atRisk, late, slip) {
        case (false, let late?, _):
            atRisk = true
            return [
                ProgressEvent(
                    .projectAtRisk, phase: late.phase, day: day, daysElapsed: late.elapsed, p80Days: late.limit,
                    slipWorkingDays: slip?.workingDays, p80Finish: slip?.to)
            ]
        case (false, nil, let slip?):
            atRisk = true
            return [ProgressEvent(.projectAtRisk, day: day, slipWorkingDays: slip.workingDays, p80Finish: slip.to)]
        case (true, nil, nil):
            atRisk = false
            return [ProgressEvent(.projectBackOnTrack, day: day)]
        default:
            return []
        }
    }

    /// The first open phase past its limit: its days so far (start and `day` inclusive) and its limit.
    public func lateness(limits: PhaseLimits, on day: CalendarDay) -> (phase: DeliveryPhase, elapsed: Int, limit: Int)? {
        for phase in phases where phase.state != .done && phase.state != .pending {
            guard let start = phase.actualStart, let limit = limits.p80Days[phase.phase] else { continue }
            let elapsed = start.days(until: day) + 1
            if elapsed > limit { return (phase.phase, elapsed, limit) }
        }
        return nil
    }
}

/// Each phase's forecast P80 duration in calendar days, from the project's latest forecast made
/// before the phase started.
public struct PhaseLimits: Sendable, Hashable {
    public var p80Days: [DeliveryPhase: Int]

    public init(p80Days: [DeliveryPhase: Int] = [:]) { self.p80Days = p80Days }

    /// From a forecast's phases: P80 in working weeks (five working days), as calendar weeks of seven, rounded
    /// up to whole days. Phases entered as actuals have no limit (they are done).
    public init(forecast: [PhaseForecast]) { self.init(forecasts: [forecast]) }

    /// From several forecasts, newest first: each phase takes its P80 from the newest forecast that
    /// sampled it in full. A re-forecast samples the running phase given the time it has already
    /// taken, so its P80 always lies ahead of today and could never say the phase is running late;
    /// the limit is what was expected of the phase before it began.
    public init(forecasts: [[PhaseForecast]]) {
        var days: [DeliveryPhase: Int] = [:]
        for forecast in forecasts {
            for phase in forecast where phase.actual == nil && phase.elapsed == nil && days[phase.phase] == nil {
                // Forecasts stored before phases carried a P80 give it between P50 and P90.
                let p80 = phase.p80 ?? phase.p50 + 0.75 * (phase.p90 - phase.p50)
                days[phase.phase] = Int((p80 * 7).rounded(.up))
            }
        }
        self.p80Days = days
    }
}
