import FoundationEssentials
import Glibc

/// One phase prepared for the hot loop: the distribution's constants computed once, so a trial costs
/// only the draw and a multiply-add.
///
/// A sampled duration is `(offset + scale · X) · projectFactor` where X is the standard variate of the
/// distribution (Beta on [0, 1], or the triangular/lognormal value itself with `offset = 0`), and the
/// factor multipliers are folded into `offset` and `scale`.
struct PhaseSampler: Sendable {
    enum Kind: Sendable {
        /// PERT with integer α (= k) and β = 6 − k: the k-th of five uniforms.
        case pertOrderStatistic(k: Int)
        /// PERT with other shapes: Beta as X/(X + Y) with two Marsaglia–Tsang gammas.
        case pertGamma(dA: Double, cA: Double, dB: Double, cB: Double)
        /// Inverse CDF of the triangular distribution on [0, 1] with mode `fc`.
        case triangular(fc: Double)
        /// exp(μ + σZ).
        case lognormal(mu: Double, sigma: Double)
        /// A phase's actual duration: a fact, so nothing scales it.
        case constant(Double)
    }

    let kind: Kind
    let offset: Double
    let scale: Double

    init(_ estimate: PhaseEstimate, multiplier: Double, actual: Double?) {
        if let actual {
            kind = .constant(actual)
            offset = actual
            scale = 0
            return
        }
        let w = estimate.weeks
        let range = w.max - w.min
        switch estimate.distribution {
        case _ where range <= 0 && estimate.distribution != .lognormal:
            // A zero-width estimate is a fixed duration that the project factor still scales.
            kind = .triangular(fc: 0)
            offset = w.min * multiplier
            scale = 0
            return
        case .pert:
            let shape = w.pert
            let k = shape.alpha.rounded()
            if abs(shape.alpha - k) < 1e-9, (1...5).contains(Int(k)) {
                kind = .pertOrderStatistic(k: Int(k))
            } else {
                let dA = shape.alpha - 1.0 / 3, dB = shape.beta - 1.0 / 3
                kind = .pertGamma(dA: dA, cA: 1 / (9 * dA).squareRoot(), dB: dB, cB: 1 / (9 * dB).squareRoot())
            }
            offset = w.min * multiplier
            scale = range * multiplier
        case .triangular:
            kind = .triangular(fc: (w.mode - w.min) / range)
            offset = w.min * multiplier
            scale = range * multiplier
        case .lognormal:
            let mu = (log(w.min) + log(w.max)) / 2
            let sigma = (log(w.max) - log(w.min)) / (2 * DurationDistribution.z95)
            kind = .lognormal(mu: mu, sigma: sigma)
            offset = 0
            scale = multiplier
        }
    }

    /// Fills `column[0..<count]` with this phase's durations and adds them to `total`.
    @inline(__always)
    func fill(
        _ column: UnsafeMutablePointer<Float>, total: UnsafeMutablePointer<Double>,
        factor: UnsafePointer<Double>, count: Int, variates v: inout Variates
    ) {
        let offset = self.offset, scale = self.scale
        switch kind {
        case .pertOrderStatistic(let k):
            @inline(__always) func run(_ k: Int) {
                for i in 0..<count {
                    let x = (offset + scale * v.orderStatistic5(k)) * factor[i]
                    column[i] = Float(x)
                    total[i] += x
                }
            }
            // A literal k per loop lets the compiler drop the comparators that pick does not need.
            switch k {
            case 1: run(1)
            case 2: run(2)
            case 3: run(3)
            case 4: run(4)
            default: run(5)
            }
        case .pertGamma(let dA, let cA, let dB, let cB):
            for i in 0..<count {
                let a = v.gamma(d: dA, c: cA)
                let b = v.gamma(d: dB, c: cB)
                let x = (offset + scale * (a / (a + b))) * factor[i]
                column[i] = Float(x)
                total[i] += x
            }
        case .triangular(let fc):
            let oneMinusFc = 1 - fc
            for i in 0..<count {
                let u = v.rng.nextUniform()
                let t = u < fc ? (u * fc).squareRoot() : 1 - ((1 - u) * oneMinusFc).squareRoot()
                let x = (offset + scale * t) * factor[i]
                column[i] = Float(x)
                total[i] += x
            }
        case .lognormal(let mu, let sigma):
            for i in 0..<count {
                let x = scale * exp(mu + sigma * v.normal()) * factor[i]
                column[i] = Float(x)
                total[i] += x
            }
        case .constant(let value):
            let f = Float(value)
            for i in 0..<count {
                column[i] = f
                total[i] += value
            }
        }
    }
}
