/// How a phase's duration is distributed between its three points.
public enum DurationDistribution: String, Sendable, Hashable, Codable, NamedChoice {
    /// PERT-beta (the default): smooth, bounded by min and max, peaked at the mode.
    case pert
    /// Triangular on min, mode, max: heavier shoulders than PERT, so more weight near the bounds.
    case triangular
    /// Lognormal fitted so that min and max are its 5th and 95th percentiles (μ = (ln min + ln max)/2,
    /// σ = (ln max − ln min)/(2 · 1.6449)). The mode is not used: a lognormal through two quantiles
    /// has no freedom left. Unbounded above, for phases whose overruns are open-ended; needs min > 0.
    case lognormal

    /// The z-score of the 95th percentile of the standard normal.
    static let z95 = 1.6448536269514722
}
