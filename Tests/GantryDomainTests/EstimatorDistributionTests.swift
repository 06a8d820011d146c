import Foundation
import Testing
@testable import GantryDomain

@Suite struct EstimatorDistributionTests {
    /// Triangular(2, 3, 6): F(x) = (x−2)²/4 up to the mode (F = 0.25 there), 1 − (6−x)²/12 above.
    @Test func singleTriangularPhaseMatchesItsClosedFormQuantiles() throws {
        let result = try MonteCarloEstimator.simulate(singlePhase(min: 2, mode: 3, max: 6, distribution: .triangular, trials: 1_000_000))
        func quantile(_ p: Double) -> Double { p <= 0.25 ? 2 + (p * 4).squareRoot() : 6 - ((1 - p) * 12).squareRoot() }
        for p in [10, 50, 80, 90, 95] {
            #expect(near(result.percentile(p)!.weeks, quantile(Double(p) / 100), 0.01), "P\(p)")
        }
        let phase = result.phases[0]
        #expect(near(phase.p10, quantile(0.1), 0.01))
        #expect(near(phase.p50, quantile(0.5), 0.01))
        #expect(near(phase.p90, quantile(0.9), 0.01))
        #expect(near(phase.mean, (2 + 3 + 6) / 3.0, 0.005))
        #expect(result.total.min >= 2 && result.total.max <= 6)
    }

    @Test func symmetricPERTPhaseHasItsModeAsMedianAndBetaThreeThreeSpread() throws {
        let result = try MonteCarloEstimator.simulate(singlePhase(min: 4, max: 6, distribution: .pert, trials: 500_000))
        #expect(near(result.percentile(50)!.weeks, 5, 0.005))
        #expect(near(result.total.mean, 5, 0.003))
        // Beta(3, 3) has variance 1/28; scaled by the range 2.
        #expect(near(result.total.standardDeviation, 2 * (1.0 / 28).squareRoot(), 0.003))
    }

    @Test func skewedPERTPhaseHasThePERTMean() throws {
        let result = try MonteCarloEstimator.simulate(singlePhase(min: 1, mode: 2, max: 4, distribution: .pert, trials: 500_000))
        // PERT(1, 2, 4): mean (1 + 4·2 + 4)/6 = 13/6; α = 1 + 4·(2−1)/3 = 7/3, β = 1 + 4·(4−2)/3 = 11/3, so
        // the spread is 3·√(αβ / ((α+β)²(α+β+1))) = 3·√((77/9) / (36·7)) = 3·√(77/2268) ≈ 0.55277.
        #expect(near(result.total.mean, 13.0 / 6, 0.005))
        #expect(near(result.total.standardDeviation, 0.55277, 0.005))
    }

    @Test func lognormalPhaseHasMinAndMaxAsItsFifthAndNinetyFifthPercentiles() throws {
        let result = try MonteCarloEstimator.simulate(singlePhase(min: 8, max: 18, distribution: .lognormal, trials: 500_000))
        #expect(near(result.percentile(95)!.weeks, 18, 0.08))
        #expect(near(result.percentile(50)!.weeks, (8.0 * 18).squareRoot(), 0.03))
    }

    @Test func factorMultipliersScaleEveryDuration() throws {
        var input = singlePhase(min: 4, max: 6, distribution: .pert, trials: 200_000)
        input.factors = DeliveryFactors(clientSize: .enterprise)
        let result = try MonteCarloEstimator.simulate(input)
        #expect(near(result.total.mean, 5 * 1.35, 0.01))
    }

    @Test func sameSeedGivesTheIdenticalResultAndAnotherSeedDoesNot() throws {
        var input = EstimateInput(trials: 20_000, seed: 11)
        input.risks = [RiskEvent(probability: 0.2, impactWeeks: 1, phase: .systemDesign)]
        let a = try MonteCarloEstimator.simulate(input)
        let b = try MonteCarloEstimator.simulate(input)
        #expect(a == b)
        input.seed = 12
        let c = try MonteCarloEstimator.simulate(input)
        #expect(c != a)
        #expect(c.percentile(50)!.weeks != a.percentile(50)!.weeks)
    }

    @Test func correlationWidensTheSpreadButKeepsEachPhaseMean() throws {
        var input = EstimateInput(correlation: .independent, trials: 400_000, seed: 3)
        let independent = try MonteCarloEstimator.simulate(input)
        input.correlation = .uniform(0.6)
        let correlated = try MonteCarloEstimator.simulate(input)
        let spread = { (r: EstimateResult) in r.percentile(90)!.weeks - r.percentile(10)!.weeks }
        #expect(spread(correlated) > 1.3 * spread(independent))
        // The seed's ranges with their midpoints as modes: symmetric PERTs whose means are the midpoints.
        let means: [DeliveryPhase: Double] = [
            .requirementsAnalysis: 3, .systemDesign: 5, .developmentAndTesting: 10, .deploymentAndTraining: 3,
        ]
        for (phase, expected) in means {
            #expect(near(correlated.phase(phase)!.mean, expected, 0.005 * expected), "\(phase)")
            #expect(near(independent.phase(phase)!.mean, expected, 0.005 * expected), "\(phase)")
        }
        #expect(near(correlated.total.mean, independent.total.mean, 0.05))
    }

    @Test func riskEventShiftsTheMeanByProbabilityTimesImpact() throws {
        var input = EstimateInput(trials: 400_000, seed: 5)
        let base = try MonteCarloEstimator.simulate(input)
        input.risks = [RiskEvent(name: "late data export", probability: 0.3, impactWeeks: 2, phase: .developmentAndTesting)]
        let risky = try MonteCarloEstimator.simulate(input)
        #expect(near(risky.total.mean - base.total.mean, 0.6, 0.03))
        #expect(near(
            risky.phase(.developmentAndTesting)!.mean - base.phase(.developmentAndTesting)!.mean, 0.6, 0.03))
    }

    @Test func donePhaseContributesExactlyItsActual() throws {
        var input = EstimateInput(trials: 50_000, seed: 2)
        input.actuals = [.requirementsAnalysis: 3.7]
        input.risks = [RiskEvent(probability: 1, impactWeeks: 5, phase: .requirementsAnalysis)]
        let result = try MonteCarloEstimator.simulate(input)
        let done = try #require(result.phase(.requirementsAnalysis))
        #expect(done.actual == 3.7)
        #expect(done.mean == 3.7 && done.p10 == 3.7 && done.p90 == 3.7 && done.standardDeviation == 0)

        let all = Dictionary(uniqueKeysWithValues: DeliveryPhase.simulated.map { ($0, 2.5) })
        input.actuals = all
        let finished = try MonteCarloEstimator.simulate(input)
        for p in [10, 50, 80, 90, 95] {
            #expect(near(finished.percentile(p)!.weeks, 10, 1e-5))
        }
    }

    @Test func histogramSCurveAndSensitivityAreConsistent() throws {
        let result = try MonteCarloEstimator.simulate(EstimateInput(trials: 100_000, seed: 8))
        #expect(result.histogram.count == 40)
        #expect(result.histogram.map(\.count).reduce(0, +) == 100_000)
        #expect(result.sCurve.count == 50)
        #expect(zip(result.sCurve, result.sCurve.dropFirst()).allSatisfy { $0.probability <= $1.probability })
        #expect(result.sCurve.last!.probability == 1)
        // Development & testing has the widest range, so it leads the tornado.
        #expect(result.sensitivity.first?.phase == .developmentAndTesting)
        #expect(near(result.phases.map(\.varianceShare).reduce(0, +), 1, 1e-3))
        let single = try MonteCarloEstimator.simulate(singlePhase(min: 2, max: 4, distribution: .pert, trials: 50_000))
        #expect(single.phases[0].rankCorrelation > 0.999)
    }

    @Test func resultRoundTripsThroughJSON() throws {
        var input = EstimateInput(trials: 5_000)
        input.calendar = WorkingCalendar(startDate: CalendarDay("2026-01-05")!)
        input.targetDate = CalendarDay("2026-06-30")
        let result = try MonteCarloEstimator.simulate(input)
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(EstimateResult.self, from: data) == result)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["probability_of_meeting_target"] != nil)
        #expect(object["s_curve"] != nil)
        input.actuals = [.requirementsAnalysis: 2.5]
        input.calendar = WorkingCalendar(startDate: CalendarDay("2026-01-05")!, weekendsOff: false, holidays: [CalendarDay("2026-04-03")!])
        let inputData = try JSONEncoder().encode(input)
        #expect(try EstimateInput.decode(json: inputData) == input)
        let inputObject = try JSONSerialization.jsonObject(with: inputData) as! [String: Any]
        #expect(inputObject["actuals"] as? [String: Double] == ["requirements_analysis": 2.5])
        let calendar = try #require(inputObject["calendar"] as? [String: Any])
        #expect(calendar.count == 3 && calendar["start_date"] as? String == "2026-01-05")
        #expect(calendar["weekends_off"] as? Bool == false && calendar["holidays"] as? [String] == ["2026-04-03"])
    }
}
