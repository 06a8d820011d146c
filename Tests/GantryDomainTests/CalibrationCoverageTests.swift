import Glibc
import Testing
@testable import GantryDomain

/// Calibration is unbiased and counts spread once (issue 14's fifth point): on synthetic history drawn
/// from known parameters — the firm's multipliers, a phase spread σ, a rank correlation between phases
/// and a black-swan tail — the fit recovers them, and forecasts made with the fit put 50 % and 80 % of
/// 2,000 held-out projects under their P50 and P80 (±5 points).
@Suite struct CalibrationCoverageTests {
    struct Truth {
        var multipliers = firmTable
        var sigma = 0.2
        var rank = 0.4
        var tail = OverrunTail(probability: 0.15, medianMultiplier: 1.6, sigma: 0.2)
    }

    /// `count` finished projects of random factors: each phase's actual is its plan (the seed's
    /// midpoint) × the true multiplier × e^(σ·z), the z of one project correlated at the truth's
    /// rank correlation, and a swan's multiplier on all of them with the tail's probability.
    static func projects(_ count: Int, truth: Truth, seed: UInt64) -> [FinishedProject] {
        var rng = Xoshiro256StarStar(seed: seed)
        var v = Variates(seed: seed &+ 7)
        let phases = DeliveryPhase.simulated
        let r = PhaseCorrelation.normalCorrelation(forRank: truth.rank)
        return (0..<count).map { i in
            let factors = DeliveryFactors(
                clientSize: ClientSize.allCases.randomElement(using: &rng)!,
                complexity: RequirementComplexity.allCases.randomElement(using: &rng)!,
                teamCapability: TeamCapability.allCases.randomElement(using: &rng)!,
                managementEfficiency: ManagementEfficiency.allCases.randomElement(using: &rng)!)
            // Equicorrelated normals: √r · common + √(1 − r) · own.
            let common = v.normal()
            var swan = 1.0
            if v.rng.nextUniform() < truth.tail.probability {
                swan = Swift.max(1, truth.tail.medianMultiplier * exp(truth.tail.sigma * v.normal()))
            }
            let outcomes = phases.map { phase in
                let z = r.squareRoot() * common + (1 - r).squareRoot() * v.normal()
                let planned = phase.typicalWeeks.mode
                let actual = planned * truth.multipliers.multiplier(for: factors, phase: phase) * exp(truth.sigma * z) * swan
                return PhaseOutcome(phase: phase, plannedWeeks: planned, actualWeeks: actual)
            }
            return FinishedProject(id: "p\(i)", factors: factors, phases: outcomes)
        }
    }

    /// Shares of `heldOut` at or under the P50 and P80 of the calibrated forecast of their factors.
    static func coverage(of heldOut: [FinishedProject], fit: CalibrationResult) throws -> (p50: Double, p80: Double) {
        var bands: [DeliveryFactors: (Double, Double)] = [:]
        var under50 = 0, under80 = 0
        for project in heldOut {
            if bands[project.factors] == nil {
                let input = fit.calibrated(EstimateInput(factors: project.factors, trials: 20_000, seed: 5))
                let result = try MonteCarloEstimator.simulate(input)
                bands[project.factors] = (result.percentile(50)!.weeks, result.percentile(80)!.weeks)
            }
            let (p50, p80) = bands[project.factors]!
            if project.actualTotalWeeks <= p50 { under50 += 1 }
            if project.actualTotalWeeks <= p80 { under80 += 1 }
        }
        return (Double(under50) / Double(heldOut.count), Double(under80) / Double(heldOut.count))
    }

    @Test func calibrationRecoversSpreadCorrelationAndTailAndCoversHeldOutProjects() throws {
        let truth = Truth()
        let history = Self.projects(3_000, truth: truth, seed: 1)
        let fit = try FactorCalibrator.fit(history)
        expectMultipliers(fit.multipliers, match: truth.multipliers, tolerance: 0.06)
        #expect(abs(fit.residualLogSigma - truth.sigma) < 0.02, "σ \(fit.residualLogSigma)")
        #expect(abs(fit.rankCorrelation - truth.rank) < 0.06, "ρ \(fit.rankCorrelation)")
        #expect(abs(fit.tail.probability - truth.tail.probability) < 0.04, "q \(fit.tail.probability)")
        #expect(abs(fit.tail.medianMultiplier - truth.tail.medianMultiplier) < 0.15, "median \(fit.tail.medianMultiplier)")

        let (p50, p80) = try Self.coverage(of: Self.projects(2_000, truth: truth, seed: 2), fit: fit)
        print(
            "calibration recovered σ \(fit.residualLogSigma) (0.2), ρ \(fit.rankCorrelation) (0.4), tail q \(fit.tail.probability) (0.15) "
                + "median \(fit.tail.medianMultiplier) (1.6) σ \(fit.tail.sigma) (0.2); held-out coverage P50 \(p50), P80 \(p80)")
        #expect(abs(p50 - 0.5) <= 0.05, "P50 covers \(p50)")
        #expect(abs(p80 - 0.8) <= 0.05, "P80 covers \(p80)")
    }

    @Test func aHistoryWithoutSwansKeepsTheTailOffAndStillCovers() throws {
        var truth = Truth()
        truth.tail = .none
        truth.sigma = 0.3
        truth.rank = 0.2
        let fit = try FactorCalibrator.fit(Self.projects(2_000, truth: truth, seed: 3))
        #expect(fit.tail == .none)
        #expect(abs(fit.residualLogSigma - 0.3) < 0.02 && abs(fit.rankCorrelation - 0.2) < 0.05)
        let (p50, p80) = try Self.coverage(of: Self.projects(2_000, truth: truth, seed: 4), fit: fit)
        print("calibration without swans: σ \(fit.residualLogSigma) (0.3), ρ \(fit.rankCorrelation) (0.2); coverage P50 \(p50), P80 \(p80)")
        #expect(abs(p50 - 0.5) <= 0.05, "P50 covers \(p50)")
        #expect(abs(p80 - 0.8) <= 0.05, "P80 covers \(p80)")
    }

    /// The old calibration's two faults, shown on the same history: the range counted on top of
    /// the fitted spread, and a median early by e^(−σ²/2).
    @Test func theCalibratedMedianIsThePlanTimesTheMultipliersNotEarlier() throws {
        var truth = Truth()
        truth.tail = .none
        let fit = try FactorCalibrator.fit(Self.projects(2_000, truth: truth, seed: 6))
        let input = fit.calibrated(EstimateInput(phases: [PhaseEstimate(.systemDesign)], trials: 100_000, seed: 1))
        let median = try MonteCarloEstimator.simulate(input).percentile(50)!.weeks
        let expected = 5 * fit.multipliers.multiplier(for: DeliveryFactors(), phase: .systemDesign)
        #expect(abs(median / expected - 1) < 0.01, "median \(median), plan × multipliers \(expected)")
        // One phase's spread is the fitted σ alone: P80/P50 = e^(0.8416 σ).
        let p80 = try MonteCarloEstimator.simulate(input).percentile(80)!.weeks
        #expect(abs(log(p80 / median) - 0.8416 * fit.residualLogSigma) < 0.01)
    }
}
