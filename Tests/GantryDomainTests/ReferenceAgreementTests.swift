import Testing
@testable import GantryDomain

@Suite struct ReferenceAgreementTests {
    @Test func fastEngineMeansAgreeWithThePlainReference() throws {
        var input = EstimateInput.benchmarkProject(trials: 300_000, seed: 4)
        input.phases[1].distribution = .triangular
        input.phases[3].distribution = .lognormal
        input.factors = DeliveryFactors(clientSize: .large, teamCapability: .high)
        input.risks = [RiskEvent(probability: 0.25, impactWeeks: 1.5, phase: .systemDesign)]
        // The reference samples phases independently: compare the total's percentiles without correlation.
        input.correlation = .independent
        let fast = try MonteCarloEstimator.simulate(input)
        var referenceInput = input
        referenceInput.trials = 60_000
        var rng = Xoshiro256StarStar(seed: 99)
        let reference = try ReferenceEstimator.simulate(referenceInput, using: &rng)
        #expect(near(fast.total.mean, reference.meanTotal, 0.01 * reference.meanTotal))
        for phase in fast.phases {
            let expected = try #require(reference.phaseMeans[phase.phase])
            #expect(near(phase.mean, expected, 0.015 * expected), "\(phase.phase)")
        }
        #expect(near(fast.percentile(50)!.weeks, reference.percentiles[50]!, 0.01 * reference.percentiles[50]!))
        #expect(near(fast.percentile(90)!.weeks, reference.percentiles[90]!, 0.015 * reference.percentiles[90]!))

        // With correlation the means stay; only the spread of the total grows.
        input.correlation = .default
        let correlated = try MonteCarloEstimator.simulate(input)
        #expect(near(correlated.total.mean, reference.meanTotal, 0.01 * reference.meanTotal))
        #expect(correlated.percentile(90)!.weeks > fast.percentile(90)!.weeks)
    }
}
