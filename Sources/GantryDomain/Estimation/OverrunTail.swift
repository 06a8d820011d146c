import Glibc

/// The black-swan component of a forecast: with `probability`, a trial is a project whose remaining
/// work overruns as a whole, every phase not yet done multiplied by the same lognormal multiplier
/// (median `medianMultiplier`, log-scale spread `sigma`, never below 1).
///
/// Why a mixture: the body of the model (three-point phases, correlated) describes ordinary
/// variation and has a thin tail, while project overruns have a fat one — Flyvbjerg & Budzier ("Why
/// your IT project may be riskier than you think", HBR, Sept. 2011; 1,471 IT projects) found one
/// project in six a "black swan", with schedule overruns of almost 70 % on average. ``flyvbjerg`` is
/// that finding: probability 1/6, median 1.62 and σ 0.3, so the mean multiplier of a swan is 1.69.
///
/// Off by default (probability 0): the base rate of a delivery firm's own projects is better than a
/// cross-industry one, and calibration switches the tail on when the firm's history shows it
/// (``CalibrationResult/tail``). JSON: `"none"`, `"flyvbjerg"`, or
/// `{"probability": 0.1, "median_multiplier": 1.5, "sigma": 0.3}`.
public struct OverrunTail: Sendable, Hashable, Codable {
    public var probability: Double
    public var medianMultiplier: Double
    public var sigma: Double

    public init(probability: Double, medianMultiplier: Double, sigma: Double) {
        self.probability = probability
        self.medianMultiplier = medianMultiplier
        self.sigma = sigma
    }

    public static let none = OverrunTail(probability: 0, medianMultiplier: 1, sigma: 0)
    public static let flyvbjerg = OverrunTail(probability: 1.0 / 6, medianMultiplier: 1.62, sigma: 0.3)

    public var isOn: Bool { probability > 0 }

    /// P(a trial's overrun multiplier exceeds t): the share of swans times the lognormal's upper
    /// tail, for t ≥ 1 (the multiplier is never below 1).
    public func exceedance(_ t: Double) -> Double {
        guard isOn, t >= 1 else { return t < 1 ? 1 : 0 }
        guard sigma > 0 else { return medianMultiplier > t ? probability : 0 }
        return probability * StandardNormal.upperTail((log(t) - log(medianMultiplier)) / sigma)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case probability, sigma
        case medianMultiplier = "median_multiplier"
    }

    public init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            switch name {
            case "none": self = .none
            case "flyvbjerg": self = .flyvbjerg
            default:
                throw DomainError(
                    .unknownName, field: FieldPath.string(decoder.codingPath),
                    "unknown tail '\(name)'; expected none, flyvbjerg or an object")
            }
            return
        }
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        probability = try c.decode(.probability, or: Self.flyvbjerg.probability)
        medianMultiplier = try c.decode(.medianMultiplier, or: Self.flyvbjerg.medianMultiplier)
        sigma = try c.decode(.sigma, or: Self.flyvbjerg.sigma)
    }

    public func validate(field: String) throws {
        guard probability.isFinite, (0...1).contains(probability) else {
            throw DomainError(.outOfRange, field: "\(field).probability", "must be between 0 and 1, got \(probability)")
        }
        guard medianMultiplier.isFinite, (1...20).contains(medianMultiplier) else {
            throw DomainError(.outOfRange, field: "\(field).median_multiplier", "must be between 1 and 20, got \(medianMultiplier)")
        }
        guard sigma.isFinite, (0...2).contains(sigma) else {
            throw DomainError(.outOfRange, field: "\(field).sigma", "must be between 0 and 2, got \(sigma)")
        }
    }
}
