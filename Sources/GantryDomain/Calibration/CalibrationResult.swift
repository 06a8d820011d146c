/// Factor multipliers fitted to a firm's history, ready to pass as ``EstimateInput/multipliers``.
public struct CalibrationResult: Sendable, Hashable, Codable {
    /// The fitted table: `medium` stays at the prior's value (the reference level), other levels
    /// with enough observations are fitted, the rest keep the prior; `phaseBias` is fitted per phase.
    public var multipliers: FactorMultipliers
    /// Standard deviation of the residual log ratio actual/planned: the spread that the factors do not
    /// explain, a data-driven replacement for the project factor's σ.
    public var residualLogSigma: Double
    public var projectCount: Int
    public var observationCount: Int
    /// Levels that kept the prior because the history had fewer than the minimum observations,
    /// as `factor.level` (e.g. `client_size.enterprise`).
    public var unfittedLevels: [String]

    public init(
        multipliers: FactorMultipliers, residualLogSigma: Double, projectCount: Int, observationCount: Int,
        unfittedLevels: [String]
    ) {
        self.multipliers = multipliers
        self.residualLogSigma = residualLogSigma
        self.projectCount = projectCount
        self.observationCount = observationCount
        self.unfittedLevels = unfittedLevels
    }

    enum CodingKeys: String, CodingKey {
        case multipliers
        case residualLogSigma = "residual_log_sigma"
        case projectCount = "project_count"
        case observationCount = "observation_count"
        case unfittedLevels = "unfitted_levels"
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
