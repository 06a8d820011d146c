/// How efficiently the project is managed (decisions, scope control, client communication).
///
/// One of the four factors the seed names; its duration multiplier lives in `FactorMultipliers`.
public enum ManagementEfficiency: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    case low
    case medium
    case high
    case veryHigh = "very_high"

    /// The level that scales durations by exactly 1 and that calibration holds fixed (reference level).
    public static let reference: ManagementEfficiency = .medium
}

extension ManagementEfficiency {
    /// Names the field and the accepted values when the name is unknown.
    public init(from decoder: any Decoder) throws { self = try NamedChoice.decode(ManagementEfficiency.self, from: decoder) }
}
