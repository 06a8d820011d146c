import GantryCore
import GantryDomain

/// `estimate.simulate` as producers see it: the name, the payload schema the API and the CLI check
/// before a job enters a queue, and its defaults.
///
/// The payload is `project_id`, an optional `mode` (`forecast` or `calibration`, with
/// `minimum_observations` for the latter), plus optional overrides of the forecast's input (GantryDomain's
/// `EstimateInput`, same snake_case names): `trials`, `seed`, `distribution` (for every phase that
/// does not name its own), `phases`, `factors`, `multipliers`, `correlation`, `tail`, `risks`,
/// `target_date`, `status_date`, `holidays`, `workdays`, `weekends_off`, `histogram_bins`, `s_curve_points`. The
/// project gives the start date, the target date, the factors and the dates of its started phases;
/// the status date defaults to the day the job runs. The schema checks
/// shapes and ranges; the handler runs the same check again, then the domain's own validation (for
/// example min ≤ mode ≤ max), and dead-letters a payload that fails either with the field and reason.
public enum EstimateSimulateKind {
    public static let name = "estimate.simulate"

    /// What the job does: `forecast` (the default) re-forecasts by itself once phases are done;
    /// `calibration` fits the factor multipliers on the firm's finished projects first.
    public enum Mode: String, Sendable, CaseIterable {
        /// The project's forecast; a re-forecast once some of its phases are done.
        case forecast
        /// Fits the factor multipliers on the firm's finished projects, reports how well past
        /// forecasts covered their actuals, and forecasts the project with the fitted table.
        case calibration
    }

    public static let descriptor = JobKindDescriptor(
        name: name, schema: schema, defaultQueue: .default, defaultMaxAttempts: 5,
        // 10^7 trials take a few seconds; the rest of the budget is for a slow database.
        defaultTimeoutMs: 5 * 60 * 1000, groupsByProject: true)

    /// A number of weeks: finite, not negative, and below a century of working weeks.
    static let weeks = PayloadSchema.number(0...5_000)
    /// A positive multiplier; the domain accepts any positive finite one, a payload needs no more than this.
    static let multiplier = PayloadSchema.number(1e-6...1_000)
    /// `YYYY-MM-DD`; the handler checks that the date exists.
    static let date = PayloadSchema.string(minLength: 10, maxLength: 10)

    static func names<T: CaseIterable & RawRepresentable>(_: T.Type) -> PayloadSchema where T.RawValue == String {
        .string(oneOf: T.allCases.map(\.rawValue))
    }

    static func levels<T: CaseIterable & RawRepresentable>(_: T.Type, _ value: PayloadSchema) -> PayloadSchema
    where T.RawValue == String {
        .object(T.allCases.map { PayloadSchema.Field($0.rawValue, value, required: false) })
    }

    public static let schema = PayloadSchema.object([
        .init("project_id", .string(minLength: 36, maxLength: 36)),
        // `forecast` (the default) re-forecasts by itself once phases are done; `calibration` fits
        // the multipliers on the firm's finished projects first (see EstimateSimulateHandler).
        .init("mode", .string(oneOf: Mode.allCases.map(\.rawValue)), required: false),
        // Calibration only: outcomes a factor level needs before its multiplier is fitted.
        .init("minimum_observations", .integer(1...1_000), required: false),
        .init("trials", .integer(1...Int64(EstimateInput.maximumTrials)), required: false),
        // The engine takes a UInt64; estimates store it in a bigint.
        .init("seed", .integer(0...Int64.max), required: false),
        .init("distribution", names(DurationDistribution.self), required: false),
        .init(
            "phases",
            .array(
                of: .object([
                    .init("phase", names(DeliveryPhase.self)),
                    .init("min", weeks, required: false),
                    .init("mode", weeks, required: false),
                    .init("max", weeks, required: false),
                    .init("distribution", names(DurationDistribution.self), required: false),
                ]), minCount: 1, maxCount: DeliveryPhase.allCases.count),
            required: false),
        .init(
            "factors",
            .object([
                .init("client_size", names(ClientSize.self), required: false),
                .init("complexity", names(RequirementComplexity.self), required: false),
                .init("team_capability", names(TeamCapability.self), required: false),
                .init("management_efficiency", names(ManagementEfficiency.self), required: false),
            ]), required: false),
        .init(
            "multipliers",
            .object([
                .init("client_size", levels(ClientSize.self, multiplier), required: false),
                .init("complexity", levels(RequirementComplexity.self, multiplier), required: false),
                .init("team_capability", levels(TeamCapability.self, multiplier), required: false),
                .init("management_efficiency", levels(ManagementEfficiency.self, multiplier), required: false),
                .init("phase_bias", levels(DeliveryPhase.self, multiplier), required: false),
            ]), required: false),
        // A Spearman correlation for every pair of phases or a matrix; "none", "flyvbjerg" or an object
        // for the tail. The schema has no "one of these shapes", so the domain checks both and names
        // the field at fault (`correlation[1][2]`, `tail.probability`).
        .init("correlation", .any, required: false),
        .init("tail", .any, required: false),
        .init(
            "risks",
            .array(
                of: .object([
                    .init("name", .string(maxLength: 200), required: false),
                    .init("probability", .number(0...1)),
                    // Negative: an opportunity, which the domain also bounds by its phase's maximum.
                    .init("impact_weeks", .number(-RiskEvent.maximumImpactWeeks...RiskEvent.maximumImpactWeeks)),
                    .init("phase", names(DeliveryPhase.self)),
                ]), maxCount: 1_000),
            required: false),
        .init("target_date", date, required: false),
        .init("status_date", date, required: false),
        .init("holidays", .array(of: date, maxCount: 5_000), required: false),
        // Make-up working days: weekend dates that are worked (China's 调休).
        .init("workdays", .array(of: date, maxCount: 5_000), required: false),
        .init("weekends_off", .bool, required: false),
        .init("histogram_bins", .integer(1...1_000), required: false),
        .init("s_curve_points", .integer(2...1_000), required: false),
    ])
}
