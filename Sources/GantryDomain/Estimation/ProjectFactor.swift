import FoundationEssentials
import Glibc

/// The correlation model: one "project factor" drawn per trial and multiplied into every simulated
/// phase, so that a trial in which the client is slow is slow in all phases — overruns cluster, as
/// they do in real projects, and the spread of the total grows.
///
/// Why a common factor and not a Cholesky-correlated sum: multiplying raw samples by a Cholesky factor
/// changes each phase's own distribution (and mean); a factor with a documented mean moves each phase's
/// mean by exactly that mean and nothing else (DESIGN.md "Domain notes").
///
/// Default: lognormal, σ = 0.15 on the log scale, **mean 1** (μ = −σ²/2), so by default the factor adds
/// spread but no bias; a systematic overrun belongs in the factor multipliers, which calibration fits.
/// With σ = 0.15 the factor's P10–P90 is about 0.82–1.20 and P95 about 1.26; σ is an assumption, and
/// calibration's residual σ (``CalibrationResult/residualLogSigma``) is the firm's own replacement.
public struct ProjectFactor: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, NamedChoice {
        /// Right-skewed multiplicative factor (the default).
        case lognormal
        /// No common factor: phases are independent.
        case none
    }

    public var kind: Kind
    /// Standard deviation of the factor's logarithm.
    public var sigma: Double
    /// The factor's mean. 1 keeps each phase's mean; `exp(σ²/2)` gives a median of 1 instead.
    public var mean: Double

    public init(kind: Kind = .lognormal, sigma: Double = 0.15, mean: Double = 1) {
        self.kind = kind
        self.sigma = sigma
        self.mean = mean
    }

    public static let `default` = ProjectFactor()
    public static let independent = ProjectFactor(kind: .none, sigma: 0, mean: 1)

    /// μ of the lognormal such that its mean is ``mean``.
    var logMu: Double { Glibc.log(mean) - sigma * sigma / 2 }

    enum CodingKeys: String, CodingKey, CaseIterable { case kind, sigma, mean }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        kind = try c.decode(.kind, or: .lognormal)
        sigma = try c.decode(.sigma, or: kind == .none ? 0 : 0.15)
        mean = try c.decode(.mean, or: 1)
    }

    public func validate(field: String) throws {
        if !(sigma.isFinite && sigma >= 0 && sigma <= 3) {
            throw DomainError(.outOfRange, field: "\(field).sigma", "must be between 0 and 3, got \(sigma)")
        }
        if !(mean.isFinite && mean > 0) {
            throw DomainError(.invalidValue, field: "\(field).mean", "must be a positive number, got \(mean)")
        }
    }
}
