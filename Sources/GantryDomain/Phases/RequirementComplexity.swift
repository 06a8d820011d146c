/// How complex the requirements are: integrations, custom objects, workflow rules.
///
/// One of the four factors the seed names; its duration multiplier lives in `FactorMultipliers`.
public enum RequirementComplexity: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    case low
    case medium
    case high
    case veryHigh = "very_high"

    /// The level that scales durations by exactly 1 and that calibration holds fixed (reference level).
    public static let reference: RequirementComplexity = .medium
}

extension RequirementComplexity {
    /// Names the field and the accepted values when the name is unknown.
    public init(from decoder: any Decoder) throws { self = try NamedChoice.decode(RequirementComplexity.self, from: decoder) }
}
