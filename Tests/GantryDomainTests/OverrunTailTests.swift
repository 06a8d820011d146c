import Glibc
import Testing
@testable import GantryDomain

/// The black-swan tail (issue 14's second point): the share of trials beyond each multiple of the
/// plan is the tail's exceedance probability, within its sampling error.
@Suite struct OverrunTailTests {
    @Test(arguments: [1.2, 1.5, 2.0, 3.0])
    func exceedanceOfEachMultipleMatchesTheTailRule(multiple: Double) throws {
        // A fixed 10-week phase: every spread in the total is the tail's.
        let phase = PhaseEstimate(.developmentAndTesting, weeks: ThreePointEstimate(min: 10, max: 10))
        let n = 200_000
        let input = EstimateInput(phases: [phase], tail: .flyvbjerg, trials: n, seed: 17)
        let draws = try MonteCarloEstimator.draws(input)
        let beyond = draws.remaining.filter { $0 > 10 * multiple }.count
        let expected = OverrunTail.flyvbjerg.exceedance(multiple)
        let standardError = (expected * (1 - expected) / Double(n)).squareRoot()
        let observed = Double(beyond) / Double(n)
        #expect(abs(observed - expected) <= 4 * standardError + 1e-6, "P(M > \(multiple)): \(observed) vs \(expected)")
    }

    @Test func flyvbjergPresetMakesOneProjectInSixASwanWithAboutSeventyPercentOverrun() {
        let tail = OverrunTail.flyvbjerg
        #expect(abs(tail.probability - 1.0 / 6) < 1e-12)
        #expect(abs(tail.medianMultiplier * exp(tail.sigma * tail.sigma / 2) - 1.69) < 0.01)
        #expect(tail.exceedance(1) <= tail.probability && tail.exceedance(1) > 0.15)
    }

    @Test func theTailFattensTheHighPercentilesAndLeavesTheLowOnes() throws {
        let plain = try MonteCarloEstimator.simulate(EstimateInput(trials: 100_000, seed: 2))
        let swans = try MonteCarloEstimator.simulate(EstimateInput(tail: .flyvbjerg, trials: 100_000, seed: 2))
        #expect(swans.percentile(95)!.weeks > 1.3 * plain.percentile(95)!.weeks)
        #expect(abs(swans.percentile(10)!.weeks - plain.percentile(10)!.weeks) < 0.05 * plain.percentile(10)!.weeks)
    }

    @Test func negativeRisksNeverMakeAPhaseShorterThanZero() throws {
        let phase = PhaseEstimate(.systemDesign, weeks: ThreePointEstimate(min: 0.5, mode: 1, max: 2))
        let input = EstimateInput(
            phases: [phase], risks: [RiskEvent(probability: 0.9, impactWeeks: -2, phase: .systemDesign)], trials: 20_000, seed: 3)
        let draws = try MonteCarloEstimator.draws(input)
        #expect(draws.phases[0].allSatisfy { $0 >= 0 })
        #expect(draws.phases[0].contains { $0 == 0 })
        let result = try MonteCarloEstimator.simulate(input)
        #expect(result.percentiles.allSatisfy { $0.weeks >= 0 })
        // It saves at most the 2 weeks the phase can last, and the result says so.
        #expect(result.warnings.contains { $0.contains("saves at most") })
        #expect(result.total.mean > 0.05)
    }
}
