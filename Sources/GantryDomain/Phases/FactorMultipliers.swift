/// Duration multipliers for each level of the four factors, plus an optional per-phase bias, so that
/// a phase's sampled duration is `base × clientSize × complexity × team × management × phaseBias`.
///
/// The defaults are **assumptions** until calibration on the firm's own finished projects replaces
/// them (``FactorCalibrator``):
/// - complexity and team capability borrow COCOMO II's effort multipliers (CPLX: 0.87 / 1.00 / 1.17 /
///   1.34; ACAP: 1.19 / 1.00 / 0.85 / 0.71), read as schedule multipliers — COCOMO scales effort,
///   and using them for calendar time assumes staffing stays as planned;
/// - client size (0.90 / 1.00 / 1.15 / 1.35) and management efficiency (1.15 / 1.00 / 0.93 / 0.87)
///   are judgement: a large client adds stakeholders and sign-off rounds, a well-run project saves less
///   than a badly-run one loses.
/// `medium` is 1 for every factor, and the phase bias defaults to 1 for every phase.
public struct FactorMultipliers: Sendable, Hashable, Codable {
    public var clientSize: [ClientSize: Double]
    public var complexity: [RequirementComplexity: Double]
    public var teamCapability: [TeamCapability: Double]
    public var managementEfficiency: [ManagementEfficiency: Double]
    /// A multiplier per phase for a firm's systematic over- or under-estimation of that phase
    /// (reference-class forecasting); absent phases are 1.
    public var phaseBias: [DeliveryPhase: Double]

    public init(
        clientSize: [ClientSize: Double] = Self.defaults.clientSize,
        complexity: [RequirementComplexity: Double] = Self.defaults.complexity,
        teamCapability: [TeamCapability: Double] = Self.defaults.teamCapability,
        managementEfficiency: [ManagementEfficiency: Double] = Self.defaults.managementEfficiency,
        phaseBias: [DeliveryPhase: Double] = [:]
    ) {
        self.clientSize = clientSize
        self.complexity = complexity
        self.teamCapability = teamCapability
        self.managementEfficiency = managementEfficiency
        self.phaseBias = phaseBias
    }

    /// The documented default table (see the type's documentation for where each number comes from).
    public static let defaults: FactorMultipliers = FactorMultipliers(
        clientSize: [.small: 0.90, .medium: 1.00, .large: 1.15, .enterprise: 1.35],
        complexity: [.low: 0.87, .medium: 1.00, .high: 1.17, .veryHigh: 1.34],
        teamCapability: [.low: 1.19, .medium: 1.00, .high: 0.85, .veryHigh: 0.71],
        managementEfficiency: [.low: 1.15, .medium: 1.00, .high: 0.93, .veryHigh: 0.87],
        phaseBias: [:]
    )

    /// The combined multiplier for a project with these factors, for one phase. A level missing from
    /// a table counts as 1.
    public func multiplier(for factors: DeliveryFactors, phase: DeliveryPhase) -> Double {
        (clientSize[factors.clientSize] ?? 1) * (complexity[factors.complexity] ?? 1)
            * (teamCapability[factors.teamCapability] ?? 1)
            * (managementEfficiency[factors.managementEfficiency] ?? 1) * (phaseBias[phase] ?? 1)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case clientSize = "client_size"
        case complexity
        case teamCapability = "team_capability"
        case managementEfficiency = "management_efficiency"
        case phaseBias = "phase_bias"
    }

    /// A payload may override some levels only; the others keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self = Self.defaults
        try c.merge(.clientSize, into: &clientSize)
        try c.merge(.complexity, into: &complexity)
        try c.merge(.teamCapability, into: &teamCapability)
        try c.merge(.managementEfficiency, into: &managementEfficiency)
        try c.merge(.phaseBias, into: &phaseBias)
    }

    /// Every multiplier must be a positive finite number.
    public func validate(field: String) throws {
        func check<K: RawRepresentable>(_ table: [K: Double], _ name: String) throws where K.RawValue == String {
            for (level, value) in table where !(value.isFinite && value > 0) {
                throw DomainError(
                    .invalidValue, field: "\(field).\(name).\(level.rawValue)",
                    "multiplier must be a positive finite number, got \(value)")
            }
        }
        try check(clientSize, "client_size")
        try check(complexity, "complexity")
        try check(teamCapability, "team_capability")
        try check(managementEfficiency, "management_efficiency")
        try check(phaseBias, "phase_bias")
    }
}
