import Glibc

/// An ``EstimateInput`` prepared for the sampling loop: each phase's state as of the status date,
/// its quantile table, the copula's correlation conditioned on what is already known, the risks and
/// the overrun tail. Everything here is computed once per forecast; the loop only reads it.
///
/// Conditioning is what makes a re-forecast honest. The phases' normals are jointly Gaussian with
/// the copula's correlation, so a done phase's actual duration pins its normal (z = Φ⁻¹(F(actual)))
/// and the later phases follow from the Gaussian conditional: a project whose requirements ran long
/// is forecast to run long in design too, as much as the correlation says. The running phase is
/// sampled given that it has already lasted its elapsed time (its normal truncated below at the z of
/// that time), and the phases after it are conditioned on that draw.
struct ForecastModel: Sendable {
    enum State: Sendable, Hashable {
        /// Done: the actual duration in weeks.
        case done(Double)
        /// Started and not finished: weeks already spent as of the status date.
        case running(Double)
        /// Not started.
        case ahead

        var isDone: Bool { if case .done = self { true } else { false } }
        var isRunning: Bool { if case .running = self { true } else { false } }
    }

    struct Phase: Sendable {
        var state: State
        var table: QuantileTable
        /// Risks on this phase that can still happen: (probability, impact in weeks).
        var risks: [(probability: Double, impact: Double)]

        /// Weeks already spent on the phase (its actual when done).
        var spent: Double {
            switch state {
            case .done(let weeks), .running(let weeks): weeks
            case .ahead: 0
            }
        }
    }

    /// Observed normals are capped at ±3: a phase that ran far outside its estimate says the estimate
    /// was wrong, and should not pin every later phase at its extreme.
    static let observedZLimit = 3.0
    /// Index of the Pareto tail of a phase that has outrun its estimate (see ``overrunning``).
    static let overrunTailIndex = 3.0

    let phases: [Phase]
    /// Indices of the phases still to sample, in order.
    let open: [Int]
    /// The conditional mean of the open phases' normals given the done ones.
    let mean: [Double]
    /// Cholesky factor of their conditional covariance (rows and columns in `open` order).
    let factor: SmallMatrix
    /// When the first open phase is running: its standard draw is truncated below at this value.
    let truncation: Double?
    /// The upper-tail mass beyond ``truncation``.
    let truncatedMass: Double
    /// The running phase has run past everything its estimate allows: the estimate no longer says
    /// when it ends, so its remaining time is the time spent times a Pareto(index 3) excess, whose
    /// median is about a quarter of it — the longer a late phase has run, the longer it tends to run
    /// on (the Lindy effect). Its normal is held at the observed limit for the phases after it.
    let overrunning: Bool
    let tail: OverrunTail
    /// Weeks from the start to the status date (or the sum of undated actuals): added to every total.
    let elapsedWeeks: Double
    /// Working days from the start to the status date, when the forecast has one.
    let elapsedDays: Int?
    /// The calendar that dates count in: the input's, starting no later than the first actual start.
    let calendar: WorkingCalendar?
    let warnings: [String]

    init(_ input: EstimateInput) {
        var calendar = input.calendar
        if let c = calendar, let first = input.progress.values.map(\.started).min(), first < c.startDate {
            calendar = c.starting(on: first)
        }
        self.calendar = calendar
        var warnings: [String] = []
        var phases: [Phase] = []
        var lastFinish: CalendarDay?
        for estimate in input.phases {
            let table = QuantileTable(estimate, multiplier: input.multipliers.multiplier(for: input.factors, phase: estimate.phase))
            var state = State.ahead
            if let actual = input.actuals[estimate.phase] {
                state = .done(actual)
            } else if let dates = input.progress[estimate.phase], let calendar, let status = input.statusDate {
                let span = calendar.starting(on: dates.started)
                let end = dates.finished ?? status
                let weeks = Double(span.workingDays(through: end)) / span.daysPerWeek
                state = dates.finished == nil ? .running(weeks) : .done(weeks)
                if let finished = dates.finished { lastFinish = Swift.max(lastFinish ?? finished, finished) }
            }
            // An opportunity cannot save more than the phase can last: capped at its maximum, and said.
            let risks = input.risks.filter { $0.phase == estimate.phase && $0.probability > 0 }.map { risk in
                if risk.impactWeeks < -table.maximum {
                    warnings.append(
                        "risk '\(risk.name)' would save \(Self.weeks(-risk.impactWeeks)) weeks of \(estimate.phase.rawValue), which lasts at most \(Self.weeks(table.maximum)); it saves at most that")
                }
                return (risk.probability, Swift.max(risk.impactWeeks, -table.maximum))
            }
            if case .done(let weeks) = state, weeks < table.minimum - 1e-9 || weeks > table.maximum + 1e-9 {
                warnings.append(
                    "\(estimate.phase.rawValue) took \(Self.weeks(weeks)) weeks, outside what its estimate allowed (\(Self.weeks(table.minimum))–\(Self.weeks(table.maximum))); later phases are conditioned as if it had ended at the edge")
            }
            phases.append(Phase(state: state, table: table, risks: state.isDone ? [] : risks))
        }
        self.phases = phases

        // Elapsed time: to the status date while work remains, to the last finish once all is done.
        let allDone = phases.allSatisfy(\.state.isDone)
        if let status = input.statusDate, let calendar {
            let asOf = allDone ? (lastFinish ?? status) : status
            let days = calendar.workingDays(through: asOf)
            elapsedDays = days
            elapsedWeeks = Double(days) / calendar.daysPerWeek
        } else {
            elapsedDays = nil
            elapsedWeeks = phases.filter(\.state.isDone).reduce(0) { $0 + $1.spent }
        }

        // The copula conditioned on the done phases.
        let k = phases.count
        let r = input.correlation.normalMatrix(count: k)
        let done = (0..<k).filter { phases[$0].state.isDone }
        let open = (0..<k).filter { !done.contains($0) }
        self.open = open
        var mean = [Double](repeating: 0, count: open.count)
        var covariance = r.submatrix(open, open)
        if !done.isEmpty, !open.isEmpty {
            let rdd = r.submatrix(done, done)
            let ld = rdd.cholesky(tolerance: 0) ?? .identity(done.count)
            let observed = done.map { i in
                Swift.min(Self.observedZLimit, Swift.max(-Self.observedZLimit, phases[i].table.z(ofValue: phases[i].spent)))
            }
            let weights = ld.solveLowerTransposed(ld.solveLower(observed))
            // w[a] = Ld⁻¹ R_d,open[a]; Σ = R_oo − wᵀw; μ = R_od R_dd⁻¹ z_d.
            let w = open.map { o in ld.solveLower(done.map { r[$0, o] }) }
            for a in 0..<open.count {
                mean[a] = zip(done, weights).reduce(0) { $0 + r[open[a], $1.0] * $1.1 }
                for b in 0..<open.count {
                    covariance[a, b] -= zip(w[a], w[b]).reduce(0) { $0 + $1.0 * $1.1 }
                }
            }
        }
        var factor = covariance.cholesky(tolerance: 1e-14) ?? .identity(open.count)
        if open.isEmpty { factor = .identity(0) }

        // The running phase: truncate its draw at the z of the time already spent.
        var truncation: Double?
        var truncatedMass = 1.0
        var overrunning = false
        if let first = open.first, case .running(let elapsed) = phases[first].state {
            let table = phases[first].table
            let scale = factor[0, 0]
            let lower = elapsed >= table.maximum ? Double.infinity : (table.z(ofValue: elapsed) - mean[0]) / scale
            let mass = StandardNormal.upperTail(lower)
            if lower.isFinite && mass > 1e-12 {
                truncation = lower
                truncatedMass = mass
            } else {
                overrunning = true
                warnings.append(
                    "\(input.phases[first].phase.rawValue) has run \(Self.weeks(elapsed)) weeks, past the \(Self.weeks(table.maximum)) its estimate allows; its remaining time is extrapolated from the time spent")
            }
        }
        self.mean = mean
        self.factor = factor
        self.truncation = truncation
        self.truncatedMass = truncatedMass
        self.overrunning = overrunning
        tail = input.tail
        self.warnings = warnings
    }

    static func weeks(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }

    /// The working day on which a trial with `remaining` weeks of work left finishes (1-based from
    /// the calendar's start): the day after the status date at the earliest while work remains.
    func finishDay(remaining: Double, calendar: WorkingCalendar) -> Int {
        if let elapsedDays {
            guard remaining > 0 else { return Swift.max(1, elapsedDays) }
            return elapsedDays + calendar.workingDays(forWeeks: remaining)
        }
        return calendar.workingDays(forWeeks: elapsedWeeks + remaining)
    }

    /// The largest `remaining` that finishes on or before working day `day` (the inverse of
    /// ``finishDay(remaining:calendar:)``, for thresholds on the remaining-weeks column).
    func remainingThreshold(throughDay day: Int, calendar: WorkingCalendar) -> Double {
        let start = elapsedDays.map(Double.init) ?? elapsedWeeks * calendar.daysPerWeek
        return (Double(day) - start + 1e-9) / calendar.daysPerWeek
    }
}
