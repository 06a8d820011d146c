import FoundationEssentials
import Glibc

/// A plain, obviously-correct Monte Carlo forecast: one trial at a time, arrays that grow, Swift's
/// default generator, textbook samplers (Box–Muller normals, Marsaglia–Tsang gammas, Beta as a gamma
/// ratio for every PERT shape). It exists to cross-check the fast engine's means in tests and to
/// give the benchmark its baseline; it does not compute the full result.
///
/// It samples the phases independently, from their own distributions: the engine's copula keeps
/// every phase's distribution, so phase means and each phase's marginal must agree with these
/// whatever the correlation (the total's percentiles do not, and are compared only for independent
/// phases). It knows neither status dates nor the overrun tail.
public enum ReferenceEstimator {
    /// What the reference computes: the total's mean and type-7 percentiles (by sorting) and each
    /// phase's mean.
    public struct Estimate: Sendable, Hashable {
        public var trials: Int
        public var meanTotal: Double
        /// Keyed by 10, 50, 80, 90, 95.
        public var percentiles: [Int: Double]
        public var phaseMeans: [DeliveryPhase: Double]
    }

    public static func simulate(_ input: EstimateInput) throws -> Estimate {
        var rng = SystemRandomNumberGenerator()
        return try simulate(input, using: &rng)
    }

    public static func simulate<G: RandomNumberGenerator>(_ input: EstimateInput, using rng: inout G) throws -> Estimate {
        try input.validate()
        var totals: [Double] = []
        var phaseSums = [DeliveryPhase: Double]()
        for _ in 0..<input.trials {
            var total = 0.0
            for phase in input.phases {
                var weeks: Double
                if let actual = input.actuals[phase.phase] {
                    weeks = actual
                } else {
                    let m = input.multipliers.multiplier(for: input.factors, phase: phase.phase)
                    weeks = sample(phase, &rng) * m
                    for risk in input.risks where risk.phase == phase.phase {
                        if Double.random(in: 0..<1, using: &rng) < risk.probability { weeks = max(0, weeks + risk.impactWeeks) }
                    }
                }
                phaseSums[phase.phase, default: 0] += weeks
                total += weeks
            }
            totals.append(total)
        }
        totals.sort()
        let n = totals.count
        var percentiles: [Int: Double] = [:]
        for p in MonteCarloEstimator.reportedPercentiles {
            let h = Double(n - 1) * Double(p) / 100
            let k = Int(h)
            percentiles[p] = k + 1 < n ? totals[k] + (h - Double(k)) * (totals[k + 1] - totals[k]) : totals[k]
        }
        return Estimate(
            trials: n, meanTotal: totals.reduce(0, +) / Double(n), percentiles: percentiles,
            phaseMeans: phaseSums.mapValues { $0 / Double(n) })
    }

    static func sample<G: RandomNumberGenerator>(_ phase: PhaseEstimate, _ rng: inout G) -> Double {
        let w = phase.weeks
        let range = w.max - w.min
        switch phase.distribution {
        case .pert:
            guard range > 0 else { return w.min }
            let shape = w.pert
            let a = gamma(shape.alpha, &rng), b = gamma(shape.beta, &rng)
            return w.min + range * a / (a + b)
        case .triangular:
            guard range > 0 else { return w.min }
            let u = Double.random(in: 0..<1, using: &rng)
            let fc = (w.mode - w.min) / range
            return u < fc
                ? w.min + (u * range * (w.mode - w.min)).squareRoot()
                : w.max - ((1 - u) * range * (w.max - w.mode)).squareRoot()
        case .lognormal:
            let mu = (log(w.min) + log(w.max)) / 2
            let sigma = (log(w.max) - log(w.min)) / (2 * DurationDistribution.z95)
            return exp(mu + sigma * normal(&rng))
        }
    }

    /// Box–Muller, one of the pair.
    static func normal<G: RandomNumberGenerator>(_ rng: inout G) -> Double {
        let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &rng)
        let u2 = Double.random(in: 0..<1, using: &rng)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Marsaglia–Tsang for shape ≥ 1.
    static func gamma<G: RandomNumberGenerator>(_ shape: Double, _ rng: inout G) -> Double {
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal(&rng)
            let v0 = 1 + c * x
            if v0 <= 0 { continue }
            let v = v0 * v0 * v0
            let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &rng)
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}
