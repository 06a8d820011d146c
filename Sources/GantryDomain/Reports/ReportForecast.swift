/// The schedule forecast part of a report: the latest estimate's percentiles against the target,
/// its RAG status, the histogram and S-curve, and the risk events it simulated.
public struct ReportForecast: Sendable, Hashable, Codable {
    /// forecast, reforecast or calibration (the estimate's kind).
    public var kind: String
    public var trials: Int
    public var p50Weeks: Double
    public var p80Weeks: Double
    public var p90Weeks: Double?
    public var p50Finish: CalendarDay?
    public var p80Finish: CalendarDay?
    public var p90Finish: CalendarDay?
    public var targetDate: CalendarDay?
    /// Share of trials finishing by the target; nil without a target.
    public var probabilityOnTime: Double?
    public var rag: RAGStatus
    public var histogram: [HistogramBin]
    public var sCurve: [SCurvePoint]
    public var risks: [RiskEvent]
    /// The day the forecast was made as of, for a re-forecast.
    public var statusDate: CalendarDay?
    /// The rank correlation between phases the forecast assumed (one value), nil for a matrix.
    public var rankCorrelation: Double?
    /// The black-swan share the forecast assumed (0 when the tail was off).
    public var tailProbability: Double
    /// The engine's warnings (a phase outside its estimate, a capped opportunity).
    public var warnings: [String]

    /// The forecast of `result` judged against `target`, the project's target date (the estimate's own,
    /// when the project has none). Nil when the result lacks its P50 or P80.
    public init?(kind: String, result: EstimateResult, risks: [RiskEvent], target: CalendarDay?) {
        guard let p50 = result.percentile(50), let p80 = result.percentile(80) else { return nil }
        let p90 = result.percentile(90)
        self.kind = kind
        trials = result.trials
        p50Weeks = p50.weeks
        p80Weeks = p80.weeks
        p90Weeks = p90?.weeks
        p50Finish = p50.finishDate
        p80Finish = p80.finishDate
        p90Finish = p90?.finishDate
        targetDate = target ?? result.targetDate
        // The engine's probability is against the estimate's target; recompute it from the S-curve
        // when the report judges against another date.
        if targetDate == result.targetDate {
            probabilityOnTime = result.probabilityOfMeetingTarget
        } else if let targetDate {
            probabilityOnTime = result.sCurve.last { $0.date.map { $0 <= targetDate } ?? false }?.probability ?? 0
        }
        rag = RAGStatus.of(p50Finish: p50Finish, p80Finish: p80Finish, target: targetDate)
        histogram = result.histogram
        sCurve = result.sCurve
        self.risks = risks
        statusDate = result.statusDate
        if case .uniform(let rho) = result.correlation { rankCorrelation = rho }
        tailProbability = result.tail.probability
        warnings = result.warnings
    }

    /// Where the target falls on the weeks axis of the charts: interpolated between the S-curve points
    /// dated either side of it; nil without a target or dated points, or when it lies outside them.
    public var targetWeeks: Double? {
        guard let targetDate else { return nil }
        let dated = sCurve.filter { $0.date != nil }
        guard let first = dated.first, let last = dated.last, first.date! <= targetDate, targetDate <= last.date! else {
            return nil
        }
        for (a, b) in zip(dated, dated.dropFirst()) where a.date! <= targetDate && targetDate <= b.date! {
            let span = Double(b.date!.dayNumber - a.date!.dayNumber)
            guard span > 0 else { return a.weeks }
            return a.weeks + (b.weeks - a.weeks) * Double(targetDate.dayNumber - a.date!.dayNumber) / span
        }
        return first.weeks
    }

    enum CodingKeys: String, CodingKey {
        case kind, trials, rag, histogram, risks
        case p50Weeks = "p50_weeks"
        case p80Weeks = "p80_weeks"
        case p90Weeks = "p90_weeks"
        case p50Finish = "p50_finish"
        case p80Finish = "p80_finish"
        case p90Finish = "p90_finish"
        case targetDate = "target_date"
        case probabilityOnTime = "probability_on_time"
        case sCurve = "s_curve"
        case statusDate = "status_date"
        case rankCorrelation = "rank_correlation"
        case tailProbability = "tail_probability"
        case warnings
    }
}
