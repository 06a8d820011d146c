/// The client's size: bigger clients bring more stakeholders, more legacy data and slower sign-off.
///
/// One of the four factors the seed names; its duration multiplier lives in `FactorMultipliers`.
public enum ClientSize: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    case small
    case medium
    case large
    case enterprise

    /// The level that scales durations by exactly 1 and that calibration holds fixed (reference level).
    public static let reference: ClientSize = .medium
}

extension ClientSize {
    /// Names the field and the accepted values when the name is unknown.
    public init(from decoder: any Decoder) throws { self = try NamedChoice.decode(ClientSize.self, from: decoder) }
}
