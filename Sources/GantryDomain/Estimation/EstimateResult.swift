/// The forecast of one project: what `estimate.simulate` stores as JSON and reports render.
///
/// Percentiles follow numpy's default (Hyndman & Fan type 7): for probability p over n sorted
/// totals, h = (n − 1)·p and the value is interpolated linearly between the order statistics at
/// ⌊h⌋ and ⌊h⌋ + 1 (0-based). They are exact, found by selection rather than by sorting.
public struct EstimateResult: Sendable, Hashable, Codable {
    public var trials: Int
    public var seed: UInt64
    /// The total duration in working weeks (the phases run one after another).
    public var total: DurationSummary
    /// P10, P50, P80, P90 and P95 of the total, with finish dates when the input has a calendar.
    public var percentiles: [PercentileForecast]
    public var phases: [PhaseForecast]
    /// Equal-width bins over [min, max] of the total.
    public var histogram: [HistogramBin]
    /// Probability of finishing by each point: by date (working-day resolution) with a calendar,
    /// by weeks without.
    public var sCurve: [SCurvePoint]
    /// The tornado: phases by the absolute rank correlation of their duration with the total, largest
    /// first.
    public var sensitivity: [SensitivityEntry]
    public var startDate: CalendarDay?
    public var targetDate: CalendarDay?
    /// Share of trials finishing on or before the target date.
    public var probabilityOfMeetingTarget: Double?
    /// The day a re-forecast was made as of; no finish date is before it while work remains.
    public var statusDate: CalendarDay?
    /// Weeks already behind the project at the status date (done phases, gaps and the running
    /// phase's time so far); part of every total.
    public var elapsedWeeks: Double
    /// The rank correlation between phases the forecast used.
    public var correlation: PhaseCorrelation
    /// The overrun tail the forecast used (`probability` 0 when off).
    public var tail: OverrunTail
    /// What a reader should know about the input: a done phase outside its estimate, a running phase
    /// past its maximum.
    public var warnings: [String]

    public init(
        trials: Int, seed: UInt64, total: DurationSummary, percentiles: [PercentileForecast],
        phases: [PhaseForecast], histogram: [HistogramBin], sCurve: [SCurvePoint],
        sensitivity: [SensitivityEntry], startDate: CalendarDay?, targetDate: CalendarDay?,
        probabilityOfMeetingTarget: Double?, statusDate: CalendarDay? = nil, elapsedWeeks: Double = 0,
        correlation: PhaseCorrelation = .default, tail: OverrunTail = .none, warnings: [String] = []
    ) {
        self.trials = trials
        self.seed = seed
        self.total = total
        self.percentiles = percentiles
        self.phases = phases
        self.histogram = histogram
        self.sCurve = sCurve
        self.sensitivity = sensitivity
        self.startDate = startDate
        self.targetDate = targetDate
        self.probabilityOfMeetingTarget = probabilityOfMeetingTarget
        self.statusDate = statusDate
        self.elapsedWeeks = elapsedWeeks
        self.correlation = correlation
        self.tail = tail
        self.warnings = warnings
    }

    /// The forecast at percentile `p` (10, 50, 80, 90 or 95).
    public func percentile(_ p: Int) -> PercentileForecast? { percentiles.first { $0.percentile == p } }

    public func phase(_ phase: DeliveryPhase) -> PhaseForecast? { phases.first { $0.phase == phase } }

    enum CodingKeys: String, CodingKey {
        case trials, seed, total, percentiles, phases, histogram, sensitivity
        case sCurve = "s_curve"
        case startDate = "start_date"
        case targetDate = "target_date"
        case probabilityOfMeetingTarget = "probability_of_meeting_target"
        case statusDate = "status_date"
        case elapsedWeeks = "elapsed_weeks"
        case correlation, tail, warnings
    }

    /// Reads results stored before re-forecasts had a status date, correlation or tail too.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        trials = try c.decode(Int.self, forKey: .trials)
        seed = try c.decode(UInt64.self, forKey: .seed)
        total = try c.decode(DurationSummary.self, forKey: .total)
        percentiles = try c.decode([PercentileForecast].self, forKey: .percentiles)
        phases = try c.decode([PhaseForecast].self, forKey: .phases)
        histogram = try c.decode([HistogramBin].self, forKey: .histogram)
        sCurve = try c.decode([SCurvePoint].self, forKey: .sCurve)
        sensitivity = try c.decode([SensitivityEntry].self, forKey: .sensitivity)
        startDate = try c.decodeIfPresent(CalendarDay.self, forKey: .startDate)
        targetDate = try c.decodeIfPresent(CalendarDay.self, forKey: .targetDate)
        probabilityOfMeetingTarget = try c.decodeIfPresent(Double.self, forKey: .probabilityOfMeetingTarget)
        statusDate = try c.decodeIfPresent(CalendarDay.self, forKey: .statusDate)
        elapsedWeeks = try c.decodeIfPresent(Double.self, forKey: .elapsedWeeks) ?? 0
        correlation = try c.decodeIfPresent(PhaseCorrelation.self, forKey: .correlation) ?? .independent
        tail = try c.decodeIfPresent(OverrunTail.self, forKey: .tail) ?? .none
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }
}

/// Mean, spread and range of a duration in weeks.
public struct DurationSummary: Sendable, Hashable, Codable {
    public var mean: Double
    public var standardDeviation: Double
    public var min: Double
    public var max: Double

    public init(mean: Double, standardDeviation: Double, min: Double, max: Double) {
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.min = min
        self.max = max
    }

    enum CodingKeys: String, CodingKey {
        case mean, min, max
        case standardDeviation = "std_dev"
    }
}

/// One percentile of the total: weeks, and with a calendar the working days and the finish date.
public struct PercentileForecast: Sendable, Hashable, Codable {
    public var percentile: Int
    public var weeks: Double
    public var workingDays: Int?
    public var finishDate: CalendarDay?

    public init(percentile: Int, weeks: Double, workingDays: Int?, finishDate: CalendarDay?) {
        self.percentile = percentile
        self.weeks = weeks
        self.workingDays = workingDays
        self.finishDate = finishDate
    }

    enum CodingKeys: String, CodingKey {
        case percentile, weeks
        case workingDays = "working_days"
        case finishDate = "finish_date"
    }
}
