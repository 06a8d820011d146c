/// A duration in weeks as minimum, most likely and maximum: the usual way people estimate under
/// uncertainty, and what PERT-beta and the triangular distribution are built from.
///
/// The seed gives ranges only, so a missing mode is the midpoint (which makes PERT-beta symmetric,
/// α = β = 3).
public struct ThreePointEstimate: Sendable, Hashable, Codable {
    public var min: Double
    public var mode: Double
    public var max: Double

    public init(min: Double, mode: Double? = nil, max: Double) {
        self.min = min
        self.mode = mode ?? (min + max) / 2
        self.max = max
    }

    /// The PERT-beta shape of this estimate (DESIGN.md "Domain notes").
    public var pert: PERTShape { PERTShape(self) }
}

/// The PERT-beta distribution of a three-point estimate: `min + (max − min) · Beta(α, β)` with
/// α = 1 + 4(mode − min)/(max − min), β = 1 + 4(max − mode)/(max − min), mean (min + 4·mode + max)/6.
///
/// The weight 4 on the mode is PERT's classical choice; it keeps α + β = 6, so the distribution's
/// spread is fixed by the range and only its skew follows the mode.
public struct PERTShape: Sendable, Hashable {
    public let alpha: Double
    public let beta: Double
    public let mean: Double

    public init(_ estimate: ThreePointEstimate) {
        let range = estimate.max - estimate.min
        if range > 0 {
            alpha = 1 + 4 * (estimate.mode - estimate.min) / range
            beta = 1 + 4 * (estimate.max - estimate.mode) / range
        } else {
            // A zero-width range is a fixed duration; the shape is irrelevant, keep it symmetric.
            alpha = 3
            beta = 3
        }
        mean = (estimate.min + 4 * estimate.mode + estimate.max) / 6
    }
}
