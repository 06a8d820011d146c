import FoundationEssentials
import Glibc

/// Everything one Monte Carlo schedule forecast needs: the `estimate.simulate` job's payload.
///
/// Every field has a default, so `{}` forecasts the seed's four phases (requirements analysis, system
/// design, development & testing, deployment & training; maintenance is ongoing and not simulated)
/// with PERT-beta, medium factors, the default rank correlation of 0.3, no tail, 10,000 trials and seed 1.
/// Decode payloads with ``decode(json:)``, which validates and names the field at fault.
public struct EstimateInput: Sendable, Hashable, Codable {
    /// Phases in order of execution; the total is their sum (phases run one after another, each gated
    /// by the review of the one before).
    public var phases: [PhaseEstimate]
    public var factors: DeliveryFactors
    public var multipliers: FactorMultipliers
    /// Rank correlation between the phases' durations (``PhaseCorrelation/default``: 0.3).
    public var correlation: PhaseCorrelation
    /// The black-swan overrun component (off unless set or calibrated).
    public var tail: OverrunTail
    public var risks: [RiskEvent]
    /// Actual durations in weeks of phases already done, for a re-forecast without dates; a
    /// re-forecast with a calendar gives ``progress`` and ``statusDate`` instead.
    public var actuals: [DeliveryPhase: Double]
    /// Needed for finish dates, the S-curve by date and the probability of meeting the target date.
    public var calendar: WorkingCalendar?
    public var targetDate: CalendarDay?
    /// The day the forecast is made as of (inclusive): done phases count with their actual dates,
    /// the running phase with the time it has already taken, and nothing can finish before it.
    public var statusDate: CalendarDay?
    /// Actual start (and finish) dates of the phases that have started, as of ``statusDate``.
    public var progress: [DeliveryPhase: PhaseDates]
    public var trials: Int
    /// The same seed and input give the same result, bit for bit.
    public var seed: UInt64
    public var histogramBins: Int
    public var sCurvePoints: Int

    public static let defaultTrials = 10_000
    public static let maximumTrials = 10_000_000
    public static let defaultSeed: UInt64 = 1

    public init(
        phases: [PhaseEstimate] = DeliveryPhase.simulated.map { PhaseEstimate($0) },
        factors: DeliveryFactors = DeliveryFactors(),
        multipliers: FactorMultipliers = .defaults,
        correlation: PhaseCorrelation = .default,
        tail: OverrunTail = .none,
        risks: [RiskEvent] = [],
        actuals: [DeliveryPhase: Double] = [:],
        calendar: WorkingCalendar? = nil,
        targetDate: CalendarDay? = nil,
        statusDate: CalendarDay? = nil,
        progress: [DeliveryPhase: PhaseDates] = [:],
        trials: Int = Self.defaultTrials,
        seed: UInt64 = Self.defaultSeed,
        histogramBins: Int = 40,
        sCurvePoints: Int = 50
    ) {
        self.phases = phases
        self.factors = factors
        self.multipliers = multipliers
        self.correlation = correlation
        self.tail = tail
        self.risks = risks
        self.actuals = actuals
        self.calendar = calendar
        self.targetDate = targetDate
        self.statusDate = statusDate
        self.progress = progress
        self.trials = trials
        self.seed = seed
        self.histogramBins = histogramBins
        self.sCurvePoints = sCurvePoints
    }

    /// The benchmark's project, the phases of the numpy peer (`checks/peers/mc_numpy.py`): the four
    /// seed phases at their midpoints plus a 1/2/4-week hypercare window standing in for maintenance
    /// (five phases), all PERT-beta, correlated at the default rank correlation (the peer multiplies
    /// them by a common lognormal factor instead, the model this engine had before the copula).
    public static func benchmarkProject(trials: Int, seed: UInt64 = 42) -> EstimateInput {
        EstimateInput(phases: DeliveryPhase.allCases.map { PhaseEstimate($0) }, trials: trials, seed: seed)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case phases, factors, multipliers, correlation, tail, risks, actuals, calendar, progress, trials, seed
        case projectFactor = "project_factor"
        case targetDate = "target_date"
        case statusDate = "status_date"
        case histogramBins = "histogram_bins"
        case sCurvePoints = "s_curve_points"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.init()
        phases = try c.decode(.phases, or: phases)
        factors = try c.decode(.factors, or: factors)
        multipliers = try c.decode(.multipliers, or: multipliers)
        if c.contains(.projectFactor) {
            throw DomainError(
                .unknownField, field: "project_factor",
                "the common project factor was replaced by `correlation` (rank correlation between phases) and `tail` (black-swan overruns); see README \"Forecasts\"")
        }
        correlation = try c.decode(.correlation, or: correlation)
        tail = try c.decode(.tail, or: tail)
        risks = try c.decode(.risks, or: risks)
        for (name, weeks) in try c.decode(.actuals, or: [String: Double]()) {
            actuals[try DeliveryPhase(named: name, field: "actuals.\(name)")] = weeks
        }
        calendar = try c.decodeIfPresent(WorkingCalendar.self, forKey: .calendar)
        targetDate = try c.decodeIfPresent(CalendarDay.self, forKey: .targetDate)
        statusDate = try c.decodeIfPresent(CalendarDay.self, forKey: .statusDate)
        for (name, dates) in try c.decode(.progress, or: [String: PhaseDates]()) {
            progress[try DeliveryPhase(named: name, field: "progress.\(name)")] = dates
        }
        trials = try c.decode(.trials, or: trials)
        seed = try c.decode(.seed, or: seed)
        histogramBins = try c.decode(.histogramBins, or: histogramBins)
        sCurvePoints = try c.decode(.sCurvePoints, or: sCurvePoints)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phases, forKey: .phases)
        try c.encode(factors, forKey: .factors)
        try c.encode(multipliers, forKey: .multipliers)
        try c.encode(correlation, forKey: .correlation)
        try c.encode(tail, forKey: .tail)
        try c.encode(risks, forKey: .risks)
        try c.encode(actuals, forKey: .actuals)
        try c.encodeIfPresent(calendar, forKey: .calendar)
        try c.encodeIfPresent(targetDate, forKey: .targetDate)
        try c.encodeIfPresent(statusDate, forKey: .statusDate)
        try c.encode(progress, forKey: .progress)
        try c.encode(trials, forKey: .trials)
        try c.encode(seed, forKey: .seed)
        try c.encode(histogramBins, forKey: .histogramBins)
        try c.encode(sCurvePoints, forKey: .sCurvePoints)
    }
}
