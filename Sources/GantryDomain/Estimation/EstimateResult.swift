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

    public init(
        trials: Int, seed: UInt64, total: DurationSummary, percentiles: [PercentileForecast],
        phases: [PhaseForecast], histogram: [HistogramBin], sCurve: [SCurvePoint],
        sensitivity: [SensitivityEntry], startDate: CalendarDay?, targetDate: CalendarDay?,
        probabilityOfMeetingTarget: Double?
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
