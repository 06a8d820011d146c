import Glibc
@testable import GantryDomain

/// Two-sample Kolmogorov–Smirnov: the statistic D and its asymptotic p-value
/// Q(√(n·m/(n+m)) · D) with Q(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²) (Stephens' small-sample correction).
func kolmogorovSmirnov(_ a: [Double], _ b: [Double]) -> (d: Double, p: Double) {
    let x = a.sorted(), y = b.sorted()
    var i = 0, j = 0, d = 0.0
    while i < x.count && j < y.count {
        let v = Swift.min(x[i], y[j])
        while i < x.count && x[i] <= v { i += 1 }
        while j < y.count && y[j] <= v { j += 1 }
        d = Swift.max(d, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
    }
    let ne = Double(x.count * y.count) / Double(x.count + y.count)
    let lambda = (ne.squareRoot() + 0.12 + 0.11 / ne.squareRoot()) * d
    var p = 0.0
    for k in 1...100 {
        let term = exp(-2 * Double(k * k) * lambda * lambda)
        p += (k % 2 == 1 ? 2 : -2) * term
        if term < 1e-12 { break }
    }
    return (d, Swift.min(1, Swift.max(0, p)))
}

/// Spearman's rank correlation (average ranks for ties).
func spearman(_ a: [Double], _ b: [Double]) -> Double {
    func ranks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var r = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
            let rank = Double(i + j) / 2
            for k in i...j { r[order[k]] = rank }
            i = j + 1
        }
        return r
    }
    let ra = ranks(a), rb = ranks(b)
    let ma = ra.reduce(0, +) / Double(ra.count), mb = rb.reduce(0, +) / Double(rb.count)
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for i in ra.indices {
        sab += (ra[i] - ma) * (rb[i] - mb)
        saa += (ra[i] - ma) * (ra[i] - ma)
        sbb += (rb[i] - mb) * (rb[i] - mb)
    }
    return sab / (saa * sbb).squareRoot()
}

/// `count` draws of `phase` alone from the textbook reference sampler, times `multiplier`.
func referenceDraws(_ phase: PhaseEstimate, multiplier: Double = 1, count: Int, seed: UInt64) -> [Double] {
    var rng = Xoshiro256StarStar(seed: seed)
    return (0..<count).map { _ in ReferenceEstimator.sample(phase, &rng) * multiplier }
}
