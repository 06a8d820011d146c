/// A level of one of the four factors the seed names (client size, requirement complexity, team
/// capability, management efficiency); its duration multiplier lives in ``FactorMultipliers``.
///
/// Every factor has a `medium` level, which scales durations by exactly 1 and which calibration holds
/// fixed: the protocol says so once for the four of them, and decodes their names as a ``NamedChoice``.
public protocol DeliveryFactorLevel: NamedChoice, Sendable, Hashable, Codable, CodingKeyRepresentable {
    static var medium: Self { get }
}

extension DeliveryFactorLevel {
    /// The level that scales durations by exactly 1 and that calibration holds fixed (reference level).
    public static var reference: Self { .medium }
}
