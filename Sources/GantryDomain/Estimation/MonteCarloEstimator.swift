import FoundationEssentials
import Glibc

/// The fast Monte Carlo schedule engine: pure, deterministic for a seed, single-threaded, and
/// allocation-free per trial.
///
/// The model (README "Forecasts"): each phase's duration has the distribution its three-point
/// estimate describes, scaled by the factor multipliers; the phases are rank-correlated through a
/// Gaussian copula (``PhaseCorrelation``); discrete risks add weeks; a black-swan component can
/// multiply the remaining work (``OverrunTail``); a re-forecast starts from its status date
/// (``ForecastModel``). Phases run one after another, so the total is the time already elapsed plus
/// the sum of what remains.
///
/// Trials run in blocks of ``blockSize``: for each block the open phases' normals are drawn and
/// correlated in place (struct of arrays, one tight loop per phase), turned into durations through
/// each phase's quantile table, then risks and the tail are applied. The columns are `Float` (weeks
/// to seven digits) so that 10^7 trials of five phases fit in about 240 MB. Statistics are computed
/// in a few linear passes over the columns (``BinnedColumn``), never by sorting them.
public enum MonteCarloEstimator {
    /// The percentiles of the total in every result.
    public static let reportedPercentiles = [10, 50, 80, 90, 95]
    static let blockSize = 2048
    /// Fine histogram bins for the percentile selection and the rank tables of phase columns.
    static let fineBins = 4096

    /// Runs the forecast. Throws ``DomainError`` if the input is invalid (see ``EstimateInput/validate()``).
    public static func simulate(_ input: EstimateInput) throws -> EstimateResult {
        try sampled(input) { model, columns in
            withScratchPair(of: UInt16.self, count: input.trials) { totalBins, phaseBins in
                summarize(input, model: model, columns: columns, totalBins: totalBins, phaseBins: phaseBins)
            }
        }
    }

    /// Every trial's phase durations and remaining weeks, as the sampler drew them: for tests of the
    /// distributions, which the summary alone cannot show.
    static func draws(_ input: EstimateInput) throws -> (phases: [[Double]], remaining: [Double]) {
        let n = input.trials, k = input.phases.count
        return try sampled(input) { _, columns in
            ((0..<k).map { p in (0..<n).map { Double(columns[p * n + $0]) } }, (0..<n).map { Double(columns[k * n + $0]) })
        }
    }

    /// Validates `input`, prepares its model, draws every trial into columns (see ``sample``) and
    /// hands them to `body`; the columns are freed when it returns.
    static func sampled<Result>(
        _ input: EstimateInput, _ body: (ForecastModel, UnsafeMutablePointer<Float>) -> Result
    ) throws -> Result {
        try input.validate()
        let model = ForecastModel(input)
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: input.trials * (input.phases.count + 1))
        defer { columns.deallocate() }
        withScratchPair(of: Double.self, count: blockSize * Swift.max(1, model.open.count)) { normals, total in
            sample(input, model: model, into: columns, normals: normals, total: total)
        }
        return body(model, columns)
    }

    /// Draws every trial into `columns`: phase p's whole duration at `p·n`, the weeks remaining after
    /// the status date at `phases·n`. `normals` holds one block's normals per open phase, `total` the
    /// block's running remaining weeks.
    static func sample(
        _ input: EstimateInput, model: ForecastModel, into columns: UnsafeMutablePointer<Float>,
        normals: UnsafeMutablePointer<Double>, total: UnsafeMutablePointer<Double>
    ) {
        let n = input.trials
        let open = model.open
        let tables = model.phases.map { $0.table.values }
        var v = Variates(seed: input.seed)
        var start = 0
        while start < n {
            let m = Swift.min(blockSize, n - start)
            total.update(repeating: 0, count: m)
            for (p, phase) in model.phases.enumerated() {
                guard case .done(let weeks) = phase.state else { continue }
                (columns + p * n + start).update(repeating: Float(weeks), count: m)
            }
            drawCorrelatedNormals(model, into: normals, count: m, variates: &v)
            for (a, p) in open.enumerated() {
                let z = normals + a * blockSize
                let column = columns + p * n + start
                let phase = model.phases[p]
                let spent = phase.spent
                tables[p].withUnsafeBufferPointer { table in
                    let t = table.baseAddress!
                    if a == 0 && model.overrunning {
                        for i in 0..<m {
                            let excess = spent * (pow(v.rng.nextOpenUniform(), -1 / ForecastModel.overrunTailIndex) - 1)
                            z[i] = spent + excess
                        }
                    } else {
                        for i in 0..<m { z[i] = Swift.max(spent, QuantileTable.lookup(t, z[i])) }
                    }
                }
                for risk in phase.risks {
                    for i in 0..<m where v.rng.nextUniform() < risk.probability {
                        z[i] = Swift.max(spent, z[i] + risk.impact)
                    }
                }
                for i in 0..<m {
                    column[i] = Float(z[i])
                    total[i] += z[i] - spent
                }
            }
            if model.tail.isOn { applyTail(model, columns: columns, n: n, start: start, total: total, count: m, variates: &v) }
            let totalColumn = columns + model.phases.count * n + start
            for i in 0..<m { totalColumn[i] = Float(total[i]) }
            start += m
        }
    }

    /// Fills `normals` (one row of ``blockSize`` per open phase) with the copula's conditional
    /// normals: independent standard draws (the running phase's truncated), then z = μ + L·g in place,
    /// last row first so each row still reads the draws above it.
    @inline(__always)
    static func drawCorrelatedNormals(
        _ model: ForecastModel, into normals: UnsafeMutablePointer<Double>, count m: Int, variates v: inout Variates
    ) {
        let k = model.open.count
        for a in 0..<k {
            let g = normals + a * blockSize
            if a == 0, model.overrunning {
                g.update(repeating: ForecastModel.observedZLimit, count: m)
            } else if a == 0, let lower = model.truncation {
                // Inverse CDF in the upper tail: exact for any truncation point, however far out.
                let mass = model.truncatedMass
                for i in 0..<m { g[i] = Swift.max(lower, StandardNormal.upperQuantile(mass * v.rng.nextOpenUniform())) }
            } else {
                for i in 0..<m { g[i] = v.normal() }
            }
        }
        let l = model.factor
        for a in stride(from: k - 1, through: 0, by: -1) {
            let row = normals + a * blockSize
            let mu = model.mean[a], diagonal = l[a, a]
            for i in 0..<m { row[i] = mu + diagonal * row[i] }
            for b in 0..<a {
                let weight = l[a, b]
                if weight == 0 { continue }
                let other = normals + b * blockSize
                for i in 0..<m { row[i] += weight * other[i] }
            }
        }
    }

    /// The black swans: with the tail's probability a trial's remaining work is multiplied, in every
    /// open phase alike, by max(1, median · e^(σZ)).
    static func applyTail(
        _ model: ForecastModel, columns: UnsafeMutablePointer<Float>, n: Int, start: Int,
        total: UnsafeMutablePointer<Double>, count m: Int, variates v: inout Variates
    ) {
        let tail = model.tail
        let logMedian = log(tail.medianMultiplier)
        for i in 0..<m where v.rng.nextUniform() < tail.probability {
            let multiplier = Swift.max(1, exp(logMedian + tail.sigma * v.normal()))
            total[i] *= multiplier
            for p in model.open {
                let spent = model.phases[p].spent
                let cell = columns + p * n + start + i
                cell.pointee = Float(spent + (Double(cell.pointee) - spent) * multiplier)
            }
        }
    }
    /// Two uninitialised buffers of `count` elements for one pass of the engine, freed when `body`
    /// returns: each pass (sampling, summarising) works on a pair that never outlives it.
    @inline(__always)
    static func withScratchPair<Element, Result>(
        of _: Element.Type, count: Int,
        _ body: (UnsafeMutablePointer<Element>, UnsafeMutablePointer<Element>) -> Result
    ) -> Result {
        let first = UnsafeMutablePointer<Element>.allocate(capacity: count)
        let second = UnsafeMutablePointer<Element>.allocate(capacity: count)
        defer {
            first.deallocate()
            second.deallocate()
        }
        return body(first, second)
    }
}
