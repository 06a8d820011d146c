import FoundationEssentials
import Glibc

/// The fast Monte Carlo schedule engine: pure, deterministic for a seed, single-threaded, and
/// allocation-free per trial.
///
/// Trials run in blocks of ``blockSize``: for each block the project factor is drawn into a small
/// buffer, then each phase fills its own column (struct of arrays, one tight loop per phase with the
/// distribution chosen outside the loop), then risks are added. The columns are `Float` (weeks to
/// seven digits) so that 10^7 trials of five phases fit in about 240 MB. Statistics are computed in a
/// few linear passes over the columns (``BinnedColumn``), never by sorting them.
public enum MonteCarloEstimator {
    /// The percentiles of the total in every result.
    public static let reportedPercentiles = [10, 50, 80, 90, 95]
    static let blockSize = 2048
    /// Fine histogram bins for the percentile selection and the rank tables of phase columns.
    static let fineBins = 4096

    /// Runs the forecast. Throws ``DomainError`` if the input is invalid (see ``EstimateInput/validate()``).
    public static func simulate(_ input: EstimateInput) throws -> EstimateResult {
        try input.validate()
        let n = input.trials
        let phaseCount = input.phases.count
        let samplers = input.phases.map { phase in
            PhaseSampler(
                phase, multiplier: input.multipliers.multiplier(for: input.factors, phase: phase.phase),
                actual: input.actuals[phase.phase])
        }
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: n * (phaseCount + 1))
        defer { columns.deallocate() }
        withScratchPair(of: Double.self, count: blockSize) { factor, total in
            sample(input, samplers: samplers, into: columns, factor: factor, total: total)
        }
        return withScratchPair(of: UInt16.self, count: n) { totalBins, phaseBins in
            summarize(input, columns: columns, totalBins: totalBins, phaseBins: phaseBins)
        }
    }

    /// Draws every trial into `columns`: phase p at `p·n`, the total at `phases·n`. `factor` and `total`
    /// hold one block's project factors and running totals.
    static func sample(
        _ input: EstimateInput, samplers: [PhaseSampler], into columns: UnsafeMutablePointer<Float>,
        factor: UnsafeMutablePointer<Double>, total: UnsafeMutablePointer<Double>
    ) {
        let n = input.trials
        let phaseCount = samplers.count
        let block = blockSize
        let pf = input.projectFactor
        let drawFactor = pf.kind == .lognormal && pf.sigma > 0
        let mu = pf.logMu, sigma = pf.sigma
        let fixedFactor = pf.kind == .lognormal ? pf.mean : 1
        let risks: [(column: Int, probability: Double, impact: Float)] = input.risks.compactMap { risk in
            guard input.actuals[risk.phase] == nil,
                  let index = input.phases.firstIndex(where: { $0.phase == risk.phase }), risk.probability > 0
            else { return nil }
            return (index, risk.probability, Float(risk.impactWeeks))
        }
        var v = Variates(seed: input.seed)
        var start = 0
        while start < n {
            let m = Swift.min(block, n - start)
            if drawFactor {
                for i in 0..<m { factor[i] = exp(mu + sigma * v.normal()) }
            } else {
                factor.update(repeating: fixedFactor, count: m)
            }
            total.update(repeating: 0, count: m)
            for p in 0..<phaseCount {
                samplers[p].fill(columns + p * n + start, total: total, factor: factor, count: m, variates: &v)
            }
            for risk in risks {
                let column = columns + risk.column * n + start
                let impact = Double(risk.impact)
                for i in 0..<m where v.rng.nextUniform() < risk.probability {
                    column[i] += risk.impact
                    total[i] += impact
                }
            }
            let totalColumn = columns + phaseCount * n + start
            for i in 0..<m { totalColumn[i] = Float(total[i]) }
            start += m
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
