import Glibc

/// One phase's duration as a function of a standard normal z: x = F⁻¹(Φ(z)), tabulated on an even
/// grid of z and read by linear interpolation.
///
/// This is what lets the copula keep each phase's own distribution: a correlated normal goes in,
/// a duration with exactly the phase's marginal comes out, and because the map is monotone the rank
/// correlation of the normals is the rank correlation of the durations. Tabulating it once per
/// forecast makes a draw a multiply, a load and an add, cheaper than the Beta draw it replaces.
///
/// The grid spans z in [−8, 8] (the normal's mass outside is 10⁻¹⁵) in 2,048 steps; the map is smooth
/// in z, so interpolation moves a duration by far less than a Float column's resolution.
struct QuantileTable: Sendable {
    static let zLimit = 8.0
    static let steps = 2048
    static let zStep = 2 * zLimit / Double(steps)

    /// Durations in weeks at z = −zLimit + i·zStep, i = 0…steps; non-decreasing.
    let values: [Double]

    var minimum: Double { values[0] }
    var maximum: Double { values[values.count - 1] }

    /// The table of `estimate` scaled by `multiplier` (the factor multipliers).
    init(_ estimate: PhaseEstimate, multiplier: Double) {
        let w = estimate.weeks
        let range = w.max - w.min
        let grid = (0...Self.steps).map { -Self.zLimit + Double($0) * Self.zStep }
        switch estimate.distribution {
        case .lognormal:
            let mu = (log(w.min) + log(w.max)) / 2
            let sigma = (log(w.max) - log(w.min)) / (2 * DurationDistribution.z95)
            values = grid.map { multiplier * exp(mu + sigma * $0) }
        case _ where !(range > 0):
            values = [Double](repeating: w.min * multiplier, count: grid.count)
        case .triangular:
            let fc = (w.mode - w.min) / range
            values = grid.map { z in
                // Each side of the mode from its own tail probability, so both ends keep their precision.
                let p = StandardNormal.cdf(z)
                let unit = p < fc
                    ? (p * fc).squareRoot()
                    : 1 - (StandardNormal.upperTail(z) * (1 - fc)).squareRoot()
                return (w.min + range * Swift.min(1, Swift.max(0, unit))) * multiplier
            }
        case .pert:
            let shape = w.pert
            let unit = Self.betaQuantiles(alpha: shape.alpha, beta: shape.beta, at: grid)
            values = unit.map { (w.min + range * $0) * multiplier }
        }
    }

    /// The duration at `z`, interpolated; z beyond the grid takes the end value.
    @inline(__always)
    static func lookup(_ table: UnsafePointer<Double>, _ z: Double) -> Double {
        let position = Swift.min(Swift.max((z + zLimit) * (1 / zStep), 0), Double(steps) - 1e-9)
        let i = Int(position)
        let a = table[i]
        return a + (table[i + 1] - a) * (position - Double(i))
    }

    /// The z whose duration is `x` (the inverse of ``lookup(_:_:)``): −zLimit below the table, +zLimit
    /// above it, and the middle of a flat stretch (a zero-width estimate) when x lies on it.
    func z(ofValue x: Double) -> Double {
        if x <= minimum { return x == maximum ? 0 : -Self.zLimit }
        if x >= maximum { return Self.zLimit }
        var lo = 0, hi = values.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if values[mid] <= x { lo = mid } else { hi = mid }
        }
        let span = values[hi] - values[lo]
        let fraction = span > 0 ? (x - values[lo]) / span : 0
        return -Self.zLimit + (Double(lo) + fraction) * Self.zStep
    }

    /// Beta(α, β) quantiles at Φ(z) for each z of an increasing grid, α, β ≥ 1 (PERT shapes).
    ///
    /// The CDF is the density integrated by Simpson's rule on 4,096 intervals from each end (the lower
    /// tail from 0, the upper tail from 1, so both keep their precision), then inverted by walking the
    /// grid. In the end intervals the CDF behaves like c·x^α (or c·(1 − x)^β), and it is inverted in
    /// that form rather than linearly, so even z = ±8 lands where it should.
    static func betaQuantiles(alpha: Double, beta: Double, at grid: [Double]) -> [Double] {
        let n = 4096
        let h = 1 / Double(n)
        func density(_ x: Double) -> Double {
            if x <= 0 { return alpha == 1 ? 1 : 0 }
            if x >= 1 { return beta == 1 ? 1 : 0 }
            return exp((alpha - 1) * log(x) + (beta - 1) * log1p(-x))
        }
        var pieces = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let a = Double(i) * h
            pieces[i] = h / 6 * (density(a) + 4 * density(a + h / 2) + density(a + h))
        }
        // lower[i] = mass of [0, i·h]; upper[i] = mass of [i·h, 1].
        var lower = [Double](repeating: 0, count: n + 1)
        for i in 0..<n { lower[i + 1] = lower[i] + pieces[i] }
        var upper = [Double](repeating: 0, count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) { upper[i] = upper[i + 1] + pieces[i] }
        let total = lower[n]
        for i in 0...n {
            lower[i] /= total
            upper[i] /= total
        }
        var result = [Double](repeating: 0, count: grid.count)
        var i = 0
        for (j, z) in grid.enumerated() {
            if z <= 0 {
                let p = StandardNormal.cdf(z)
                while i < n - 1 && lower[i + 1] < p { i += 1 }
                if i == 0 {
                    result[j] = h * Swift.min(1, pow(p / lower[1], 1 / alpha))
                } else {
                    let span = lower[i + 1] - lower[i]
                    result[j] = (Double(i) + (span > 0 ? (p - lower[i]) / span : 0)) * h
                }
            } else {
                let q = StandardNormal.upperTail(z)
                while i < n - 1 && upper[i + 1] > q { i += 1 }
                if i == n - 1 {
                    result[j] = 1 - h * Swift.min(1, pow(q / upper[n - 1], 1 / beta))
                } else {
                    let span = upper[i] - upper[i + 1]
                    result[j] = (Double(i) + (span > 0 ? (upper[i] - q) / span : 0)) * h
                }
            }
            result[j] = Swift.min(1, Swift.max(0, result[j]))
            if j > 0 { result[j] = Swift.max(result[j], result[j - 1]) }
        }
        return result
    }
}
