import Testing
@testable import GantryDomain

@Suite struct PhaseModelTests {
    @Test func midpointModeGivesSymmetricPERTWithAlphaAndBetaThree() {
        let shape = ThreePointEstimate(min: 2, max: 4).pert
        #expect(shape.alpha == 3)
        #expect(shape.beta == 3)
        #expect(shape.mean == 3)
    }

    @Test func pertParametersFollowTheClassicalFormula() {
        let shape = ThreePointEstimate(min: 1, mode: 2, max: 4).pert
        #expect(near(shape.alpha, 1 + 4.0 / 3, 1e-12))
        #expect(near(shape.beta, 1 + 8.0 / 3, 1e-12))
        #expect(near(shape.mean, (1 + 8 + 4) / 6.0, 1e-12))
        let atMin = ThreePointEstimate(min: 8, mode: 8, max: 12).pert
        #expect(atMin.alpha == 1 && atMin.beta == 5)
        #expect(near(atMin.mean, (8 + 32 + 12) / 6.0, 1e-12))
    }

    @Test func seedPhasesHaveTheirTypicalRangesAndMaintenanceIsNotSimulatedByDefault() {
        #expect(DeliveryPhase.requirementsAnalysis.typicalWeeks == ThreePointEstimate(min: 2, mode: 3, max: 4))
        #expect(DeliveryPhase.developmentAndTesting.typicalWeeks == ThreePointEstimate(min: 8, mode: 10, max: 12))
        let seedPhases: [DeliveryPhase] = [.requirementsAnalysis, .systemDesign, .developmentAndTesting, .deploymentAndTraining]
        #expect(DeliveryPhase.simulated == seedPhases)
        #expect(EstimateInput().phases.map(\.phase) == seedPhases)
        #expect(DeliveryPhase.requirementsAnalysis.steps.last == "review")
    }

    @Test func mediumFactorsMultiplyByOneAndOtherLevelsCompound() {
        let table = FactorMultipliers.defaults
        #expect(table.multiplier(for: DeliveryFactors(), phase: .systemDesign) == 1)
        let hard = DeliveryFactors(clientSize: .enterprise, complexity: .veryHigh, teamCapability: .low, managementEfficiency: .low)
        #expect(near(table.multiplier(for: hard, phase: .systemDesign), 1.35 * 1.34 * 1.19 * 1.15, 1e-12))
    }
}
