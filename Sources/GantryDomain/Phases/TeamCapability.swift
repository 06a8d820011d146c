/// How capable the delivery team is (experience with the CRM platform and the domain).
///
/// One of the four factors the seed names; its duration multiplier lives in `FactorMultipliers`.
public enum TeamCapability: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    case low
    case medium
    case high
    case veryHigh = "very_high"

    /// The level that scales durations by exactly 1 and that calibration holds fixed (reference level).
    public static let reference: TeamCapability = .medium
}

extension TeamCapability {
    /// Names the field and the accepted values when the name is unknown.
    public init(from decoder: any Decoder) throws { self = try NamedChoice.decode(TeamCapability.self, from: decoder) }
}
