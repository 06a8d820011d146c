import Glibc

extension FactorCalibrator {
    /// Rounds of "refit the body without the swans' expected shift, then the tail again".
    static let tailRounds = 8
    /// How much better (twice the log-likelihood gain) the mixture must explain the projects than
    /// the body alone before the tail is switched on: 16 for three more parameters is p < 0.002.
    static let tailEvidence = 16.0

    /// The body's spread: σ of a phase's log residual and the normal correlation r between two
    /// phases of one project, from residuals with each row's expected swan shift taken out.
    struct Spread {
        var sigma: Double
        var normalCorrelation: Double
    }

    static func spread(residuals: [Double], shift: [Double], projects: [Int], dof: Int) -> Spread {
        let e = zip(residuals, shift).map { $0 - $1 }
        let variance = e.reduce(0) { $0 + $1 * $1 } / Double(dof)
        guard variance > 0 else { return Spread(sigma: 0, normalCorrelation: 0) }
        var products = 0.0, pairs = 0
        var start = 0
        while start < e.count {
            var end = start
            while end < e.count && projects[end] == projects[start] { end += 1 }
            for a in start..<end {
                for b in (a + 1)..<Swift.max(a + 1, end) {
                    products += e[a] * e[b]
                    pairs += 1
                }
            }
            start = end
        }
        let r = pairs > 0 ? products / Double(pairs) / variance : 0
        return Spread(sigma: variance.squareRoot(), normalCorrelation: Swift.min(0.95, Swift.max(-0.3, r)))
    }

    /// The two-component mixture of projects' mean residuals: the body, and the swans shifted by a
    /// normal log-multiplier.
    struct TailMixture {
        var probability: Double
        /// Mean of a swan's log-multiplier (its shift above the body).
        var meanLogShift: Double
        var sigmaLogShift: Double
        /// Per project (by index in the history): the posterior probability that it was a swan.
        var responsibility: [Double]

        static let off = TailMixture(probability: 0, meanLogShift: 0, sigmaLogShift: 0, responsibility: [])

        var tail: OverrunTail {
            guard probability > 0 else { return .none }
            return OverrunTail(
                probability: probability, medianMultiplier: Swift.min(20, Swift.max(1, exp(meanLogShift))),
                sigma: Swift.min(2, sigmaLogShift))
        }
    }

    /// Fits the black-swan mixture to each project's mean residual by EM and returns it when it is
    /// clearly better than the body alone (``tailEvidence``), else nil.
    ///
    /// A project of k phases has a mean residual with body variance σ²(1 + (k − 1)r)/k; a swan adds a
    /// shift with its own mean and variance. Both components' means are fitted (the body's is not
    /// exactly 0 while swans pull the least-squares intercepts).
    static func fitTail(residuals: [Double], projects: [Int], sigma: Double, correlation r: Double) -> TailMixture? {
        guard let projectCount = projects.last.map({ $0 + 1 }), projectCount >= 20, sigma > 0 else { return nil }
        var sums = [Double](repeating: 0, count: projectCount)
        var counts = [Double](repeating: 0, count: projectCount)
        for (e, p) in zip(residuals, projects) {
            sums[p] += e
            counts[p] += 1
        }
        let seen = (0..<projectCount).filter { counts[$0] > 0 }
        let means = seen.map { sums[$0] / counts[$0] }
        let bodyVariance = seen.map { sigma * sigma * (1 + (counts[$0] - 1) * r) / counts[$0] }
        let n = Double(means.count)

        func logNormal(_ x: Double, _ mean: Double, _ variance: Double) -> Double {
            -0.5 * (log(2 * Double.pi * variance) + (x - mean) * (x - mean) / variance)
        }
        // The body alone: one normal with a free mean and extra variance.
        let grand = means.reduce(0, +) / n
        let extra = Swift.max(0, means.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } / n - bodyVariance.reduce(0, +) / n)
        let single = zip(means, bodyVariance).reduce(0) { $0 + logNormal($1.0, grand, $1.1 + extra) }

        var q = 0.1, bodyMean = grand, swanMean = grand + 0.4, swanVariance = 0.04
        var w = [Double](repeating: 0, count: means.count)
        var mixture = 0.0
        for _ in 0..<200 {
            mixture = 0
            for i in means.indices {
                let a = log(1 - q) + logNormal(means[i], bodyMean, bodyVariance[i])
                let b = log(q) + logNormal(means[i], swanMean, bodyVariance[i] + swanVariance)
                let top = Swift.max(a, b)
                let total = top + log(exp(a - top) + exp(b - top))
                w[i] = exp(b - total)
                mixture += total
            }
            let swans = w.reduce(0, +)
            guard swans > 1e-6, swans < n - 1e-6 else { return nil }
            q = swans / n
            bodyMean = zip(means, w).reduce(0) { $0 + $1.0 * (1 - $1.1) } / (n - swans)
            swanMean = zip(means, w).reduce(0) { $0 + $1.0 * $1.1 } / swans
            var spread = 0.0
            for i in means.indices { spread += w[i] * ((means[i] - swanMean) * (means[i] - swanMean) - bodyVariance[i]) }
            swanVariance = Swift.max(0.0025, spread / swans)
        }
        let shift = swanMean - bodyMean
        guard 2 * (mixture - single) > tailEvidence, q >= 0.01, q <= 0.6, shift > 0.05 else { return nil }
        var responsibility = [Double](repeating: 0, count: projectCount)
        for (i, p) in seen.enumerated() { responsibility[p] = w[i] }
        return TailMixture(
            probability: q, meanLogShift: shift, sigmaLogShift: swanVariance.squareRoot(), responsibility: responsibility)
    }
}
