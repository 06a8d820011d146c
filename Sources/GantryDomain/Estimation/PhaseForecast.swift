/// One phase's simulated duration (after factors, risks and the tail) and its part in the total.
public struct PhaseForecast: Sendable, Hashable, Codable {
    public var phase: DeliveryPhase
    public var mean: Double
    public var standardDeviation: Double
    public var p10: Double
    public var p50: Double
    /// The 80th percentile, which the at-risk rule compares a running phase with; `nil` in
    /// forecasts stored before it was recorded.
    public var p80: Double?
    public var p90: Double
    /// The actual duration used instead of sampling, for a phase already done.
    public var actual: Double?
    /// Weeks the phase had run by the status date, for the running phase: its duration is sampled
    /// given that it has lasted at least this long.
    public var elapsed: Double?
    /// Spearman rank correlation of this phase's duration with the total (the tornado's bar). Ranks
    /// come from a 4,096-bin histogram of each column (values sharing a bin share a midrank, as ties
    /// do), which keeps the computation linear and moves the coefficient far less than its sampling
    /// error. 0 for a phase with an actual.
    public var rankCorrelation: Double
    /// Criticality as the phase's share of the total's variance, Cov(phase, total) / Var(total).
    /// The shares of all phases sum to 1 (the total is their sum), and a phase whose uncertainty drives
    /// the schedule has a large one; a share can be slightly negative for a phase that moves against
    /// the others. Chosen over "largest overrun" counts because it is additive and needs no baseline.
    public var varianceShare: Double

    public init(
        phase: DeliveryPhase, mean: Double, standardDeviation: Double, p10: Double, p50: Double, p80: Double? = nil,
        p90: Double, actual: Double?, elapsed: Double? = nil, rankCorrelation: Double, varianceShare: Double
    ) {
        self.phase = phase
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.p10 = p10
        self.p50 = p50
        self.p80 = p80
        self.p90 = p90
        self.actual = actual
        self.elapsed = elapsed
        self.rankCorrelation = rankCorrelation
        self.varianceShare = varianceShare
    }

    enum CodingKeys: String, CodingKey {
        case phase, mean, p10, p50, p80, p90, actual, elapsed
        case standardDeviation = "std_dev"
        case rankCorrelation = "rank_correlation"
        case varianceShare = "variance_share"
    }
}

/// One bar of the tornado chart.
public struct SensitivityEntry: Sendable, Hashable, Codable {
    public var phase: DeliveryPhase
    public var rankCorrelation: Double

    public init(phase: DeliveryPhase, rankCorrelation: Double) {
        self.phase = phase
        self.rankCorrelation = rankCorrelation
    }

    enum CodingKeys: String, CodingKey {
        case phase
        case rankCorrelation = "rank_correlation"
    }
}

/// One bin of the total's histogram: [lower, upper) in weeks (the last bin includes its upper edge).
public struct HistogramBin: Sendable, Hashable, Codable {
    public var lowerWeeks: Double
    public var upperWeeks: Double
    public var count: Int
    public var probability: Double

    public init(lowerWeeks: Double, upperWeeks: Double, count: Int, probability: Double) {
        self.lowerWeeks = lowerWeeks
        self.upperWeeks = upperWeeks
        self.count = count
        self.probability = probability
    }

    enum CodingKeys: String, CodingKey {
        case count, probability
        case lowerWeeks = "lower_weeks"
        case upperWeeks = "upper_weeks"
    }
}

/// One point of the S-curve: the probability of finishing within `weeks` (by `date`).
public struct SCurvePoint: Sendable, Hashable, Codable {
    public var weeks: Double
    public var workingDays: Int?
    public var date: CalendarDay?
    public var probability: Double

    public init(weeks: Double, workingDays: Int?, date: CalendarDay?, probability: Double) {
        self.weeks = weeks
        self.workingDays = workingDays
        self.date = date
        self.probability = probability
    }

    enum CodingKeys: String, CodingKey {
        case weeks, date, probability
        case workingDays = "working_days"
    }
}
