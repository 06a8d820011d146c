import FoundationEssentials
import Glibc

/// Everything one Monte Carlo schedule forecast needs: the `estimate.simulate` job's payload.
///
/// Every field has a default, so `{}` forecasts the seed's four phases (requirements analysis, system
/// design, development & testing, deployment & training; maintenance is ongoing and not simulated)
/// with PERT-beta, medium factors, the default project factor, 10,000 trials and seed 1.
/// Decode payloads with ``decode(json:)``, which validates and names the field at fault.
public struct EstimateInput: Sendable, Hashable, Codable {
    /// Phases in order of execution; the total is their sum (phases run one after another, each gated
    /// by the review of the one before).
    public var phases: [PhaseEstimate]
    public var factors: DeliveryFactors
    public var multipliers: FactorMultipliers
    public var projectFactor: ProjectFactor
    public var risks: [RiskEvent]
    /// Actual durations in weeks of phases already done: a re-forecast uses them instead of sampling.
    public var actuals: [DeliveryPhase: Double]
    /// Needed for finish dates, the S-curve by date and the probability of meeting the target date.
    public var calendar: WorkingCalendar?
    public var targetDate: CalendarDay?
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
        projectFactor: ProjectFactor = .default,
        risks: [RiskEvent] = [],
        actuals: [DeliveryPhase: Double] = [:],
        calendar: WorkingCalendar? = nil,
        targetDate: CalendarDay? = nil,
        trials: Int = Self.defaultTrials,
        seed: UInt64 = Self.defaultSeed,
        histogramBins: Int = 40,
        sCurvePoints: Int = 50
    ) {
        self.phases = phases
        self.factors = factors
        self.multipliers = multipliers
        self.projectFactor = projectFactor
        self.risks = risks
        self.actuals = actuals
        self.calendar = calendar
        self.targetDate = targetDate
        self.trials = trials
        self.seed = seed
        self.histogramBins = histogramBins
        self.sCurvePoints = sCurvePoints
    }

    /// The benchmark's project, the same model as the numpy peer (`checks/peers/mc_numpy.py`): the four
    /// seed phases at their midpoints plus a 1/2/4-week hypercare window standing in for maintenance
    /// (five phases), all PERT-beta, and a lognormal project factor with σ = 0.15 and median 1.
    public static func benchmarkProject(trials: Int, seed: UInt64 = 42) -> EstimateInput {
        EstimateInput(
            phases: DeliveryPhase.allCases.map { PhaseEstimate($0) },
            projectFactor: ProjectFactor(sigma: 0.15, mean: Glibc.exp(0.15 * 0.15 / 2)),
            trials: trials, seed: seed)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case phases, factors, multipliers, risks, actuals, calendar, trials, seed
        case projectFactor = "project_factor"
        case targetDate = "target_date"
        case histogramBins = "histogram_bins"
        case sCurvePoints = "s_curve_points"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.init()
        phases = try c.decode(.phases, or: phases)
        factors = try c.decode(.factors, or: factors)
        multipliers = try c.decode(.multipliers, or: multipliers)
        projectFactor = try c.decode(.projectFactor, or: projectFactor)
        risks = try c.decode(.risks, or: risks)
        for (name, weeks) in try c.decode(.actuals, or: [String: Double]()) {
            actuals[try DeliveryPhase(named: name, field: "actuals.\(name)")] = weeks
        }
        calendar = try c.decodeIfPresent(WorkingCalendar.self, forKey: .calendar)
        targetDate = try c.decodeIfPresent(CalendarDay.self, forKey: .targetDate)
        trials = try c.decode(.trials, or: trials)
        seed = try c.decode(.seed, or: seed)
        histogramBins = try c.decode(.histogramBins, or: histogramBins)
        sCurvePoints = try c.decode(.sCurvePoints, or: sCurvePoints)
    }
}
