import Glibc

/// The forecast model fitted to a firm's history: factor multipliers, the spread and correlation of
/// its phases, and its black-swan tail. ``calibrated(_:)`` turns an input into the calibrated one.
public struct CalibrationResult: Sendable, Hashable, Codable {
    /// The fitted table: `medium` stays at the prior's value (the reference level), other levels
    /// with enough observations are fitted, the rest keep the prior; `phaseBias` is fitted per phase.
    public var multipliers: FactorMultipliers
    /// Standard deviation of a phase's log ratio actual/planned that the factors do not explain
    /// (swans aside): a calibrated forecast's phase spread, in place of the three-point range.
    public var residualLogSigma: Double
    /// Spearman correlation of two phases' residuals within a project: the calibrated forecast's
    /// ``EstimateInput/correlation``.
    public var rankCorrelation: Double
    /// The black-swan component found in the history (``OverrunTail/none`` when the history shows none).
    public var tail: OverrunTail
    public var projectCount: Int
    public var observationCount: Int
    /// Levels that kept the prior because the history had fewer than the minimum observations,
    /// as `factor.level` (e.g. `client_size.enterprise`).
    public var unfittedLevels: [String]

    public init(
        multipliers: FactorMultipliers, residualLogSigma: Double, rankCorrelation: Double = 0, tail: OverrunTail = .none,
        projectCount: Int, observationCount: Int, unfittedLevels: [String]
    ) {
        self.multipliers = multipliers
        self.residualLogSigma = residualLogSigma
        self.rankCorrelation = rankCorrelation
        self.tail = tail
        self.projectCount = projectCount
        self.observationCount = observationCount
        self.unfittedLevels = unfittedLevels
    }

    enum CodingKeys: String, CodingKey {
        case multipliers
        case residualLogSigma = "residual_log_sigma"
        case rankCorrelation = "rank_correlation"
        case tail
        case projectCount = "project_count"
        case observationCount = "observation_count"
        case unfittedLevels = "unfitted_levels"
    }
}

extension CalibrationResult {
    /// `input` forecast with the firm's model: the fitted multipliers; each phase lognormal with its
    /// median at the estimate's mode (the planned value calibration measured ratios against) and the
    /// fitted σ, replacing the three-point range; the fitted correlation and tail unless `keeping`
    /// says the caller chose its own.
    public func calibrated(_ input: EstimateInput, keepingCorrelation: Bool = false, keepingTail: Bool = false) -> EstimateInput {
        var result = input
        result.multipliers = multipliers
        if residualLogSigma > 0 {
            let spread = Glibc.exp(DurationDistribution.z95 * Swift.min(2, residualLogSigma))
            result.phases = input.phases.map { phase in
                let median = phase.weeks.mode
                guard median > 0 else { return phase }
                return PhaseEstimate(
                    phase.phase, weeks: ThreePointEstimate(min: median / spread, mode: median, max: median * spread),
                    distribution: .lognormal)
            }
        }
        if !keepingCorrelation {
            result.correlation = .uniform(Swift.min(0.95, Swift.max(-0.3, rankCorrelation)))
        }
        if !keepingTail { result.tail = tail }
        return result
    }
}

/// How well forecasts covered what happened: a well-calibrated P80 is beaten by about 80 % of actuals.
public struct CoverageReport: Sendable, Hashable, Codable {
    /// Projects with a forecast to compare against.
    public var evaluated: Int
    /// Projects with neither a recorded forecast nor an input to re-run.
    public var skipped: Int
    public var underP50: Int
    public var underP80: Int
    /// Share of actual totals at or under their P50 (ideal ≈ 0.5).
    public var shareUnderP50: Double
    /// Share of actual totals at or under their P80 (ideal ≈ 0.8).
    public var shareUnderP80: Double

    public init(evaluated: Int, skipped: Int, underP50: Int, underP80: Int) {
        self.evaluated = evaluated
        self.skipped = skipped
        self.underP50 = underP50
        self.underP80 = underP80
        shareUnderP50 = evaluated > 0 ? Double(underP50) / Double(evaluated) : 0
        shareUnderP80 = evaluated > 0 ? Double(underP80) / Double(evaluated) : 0
    }

    enum CodingKeys: String, CodingKey {
        case evaluated, skipped
        case underP50 = "under_p50"
        case underP80 = "under_p80"
        case shareUnderP50 = "share_under_p50"
        case shareUnderP80 = "share_under_p80"
    }
}
