import Glibc

extension FactorCalibrator {
    /// Rounds of "refit the body without the swans' expected shift, then the tail again".
    static let tailRounds = 8
    /// How much better (twice the log-likelihood gain) the mixture must explain the projects than
    /// the body alone before the tail is switched on: 16 for three more parameters is p < 0.002.
    static let tailEvidence = 16.0

    /// The body's spread: σ of a phase's log residual and the normal correlation r between two
    /// phases of one project.
    struct Spread {
        var sigma: Double
        var normalCorrelation: Double
    }

    /// The spread of a history without swans, from all residuals (``fitTail`` measures the body's
    /// apart from the swans when there are some).
    static func spread(residuals e: [Double], projects: [Int], dof: Int) -> Spread {
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
        /// The body's σ and r, measured apart from the swans.
        var body: Spread

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
    /// A swan moves every phase of its project alike, so the spread of residuals within a project,
    /// W = σ²(1 − r), is the body's alone and is measured first. A project of k phases then has a
    /// mean residual of body variance b + W/k, where b = σ²·r is the phases' covariance; EM fits b,
    /// both components' means (the body's is not exactly 0 while swans pull the least-squares
    /// intercepts), the swans' share and their shift's spread. σ² = W + b and r = b / σ² follow.
    static func fitTail(residuals: [Double], projects: [Int], dof: Int) -> TailMixture? {
        guard let projectCount = projects.last.map({ $0 + 1 }), projectCount >= 20 else { return nil }
        var sums = [Double](repeating: 0, count: projectCount)
        var counts = [Double](repeating: 0, count: projectCount)
        for (e, p) in zip(residuals, projects) {
            sums[p] += e
            counts[p] += 1
        }
        var withinSquares = 0.0, withinDegrees = 0.0
        for (e, p) in zip(residuals, projects) {
            let d = e - sums[p] / counts[p]
            withinSquares += d * d
        }
        for p in 0..<projectCount where counts[p] > 1 { withinDegrees += counts[p] - 1 }
        guard withinDegrees > 0 else { return nil }
        // The least-squares fit used up some of the freedom: scale as the residual variance would be.
        let within = withinSquares / withinDegrees * Double(residuals.count) / Double(Swift.max(1, dof))
        let seen = (0..<projectCount).filter { counts[$0] > 0 }
        let means = seen.map { sums[$0] / counts[$0] }
        let share = seen.map { within / counts[$0] }
        let n = Double(means.count)

        func logNormal(_ x: Double, _ mean: Double, _ variance: Double) -> Double {
            -0.5 * (log(2 * Double.pi * variance) + (x - mean) * (x - mean) / variance)
        }
        // The body alone: one normal with a free mean and covariance.
        let grand = means.reduce(0, +) / n
        let singleB = Swift.max(0, means.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } / n - share.reduce(0, +) / n)
        let single = zip(means, share).reduce(0) { $0 + logNormal($1.0, grand, $1.1 + singleB + 1e-12) }

        var q = 0.1, bodyMean = grand, b = singleB / 2, swanMean = grand + 0.4, swanVariance = 0.04
        var w = [Double](repeating: 0, count: means.count)
        var mixture = 0.0
        for _ in 0..<300 {
            mixture = 0
            for i in means.indices {
                let body = b + share[i] + 1e-12
                let a = log(1 - q) + logNormal(means[i], bodyMean, body)
                let c = log(q) + logNormal(means[i], swanMean, body + swanVariance)
                let top = Swift.max(a, c)
                let total = top + log(exp(a - top) + exp(c - top))
                w[i] = exp(c - total)
                mixture += total
            }
            let swans = w.reduce(0, +)
            guard swans > 1e-6, swans < n - 1e-6 else { return nil }
            q = swans / n
            bodyMean = zip(means, w).reduce(0) { $0 + $1.0 * (1 - $1.1) } / (n - swans)
            swanMean = zip(means, w).reduce(0) { $0 + $1.0 * $1.1 } / swans
            var bodySpread = 0.0, swanSpread = 0.0
            for i in means.indices {
                bodySpread += (1 - w[i]) * ((means[i] - bodyMean) * (means[i] - bodyMean) - share[i])
                swanSpread += w[i] * ((means[i] - swanMean) * (means[i] - swanMean) - share[i] - b)
            }
            b = Swift.max(0, bodySpread / (n - swans))
            swanVariance = Swift.max(0.0025, swanSpread / swans)
        }
        let shift = swanMean - bodyMean
        guard 2 * (mixture - single) > tailEvidence, q >= 0.01, q <= 0.6, shift > 0.05 else { return nil }
        var responsibility = [Double](repeating: 0, count: projectCount)
        for (i, p) in seen.enumerated() { responsibility[p] = w[i] }
        let sigmaSquared = within + b
        return TailMixture(
            probability: q, meanLogShift: shift, sigmaLogShift: swanVariance.squareRoot(), responsibility: responsibility,
            body: Spread(sigma: sigmaSquared.squareRoot(), normalCorrelation: Swift.min(0.95, Swift.max(-0.3, b / sigmaSquared))))
    }
}
