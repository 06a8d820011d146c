import Foundation
import Testing
@testable import GantryDomain

@Suite struct CalibrationTests {
    /// A firm whose true multipliers differ from the defaults, with lognormal noise per phase.
    static func syntheticHistory(projects: Int, noise: Double, seed: UInt64) -> (history: [FinishedProject], truth: FactorMultipliers) {
        let truth = firmTable
        var rng = Xoshiro256StarStar(seed: seed)
        var v = Variates(seed: seed &+ 1)
        var history: [FinishedProject] = []
        for i in 0..<projects {
            let factors = DeliveryFactors(
                clientSize: ClientSize.allCases.randomElement(using: &rng)!,
                complexity: RequirementComplexity.allCases.randomElement(using: &rng)!,
                teamCapability: TeamCapability.allCases.randomElement(using: &rng)!,
                managementEfficiency: ManagementEfficiency.allCases.randomElement(using: &rng)!)
            history.append(finishedProject("p\(i)", factors: factors, truth: truth) { exp(noise * v.normal()) })
        }
        return (history, truth)
    }

    @Test func calibrationRecoversKnownMultipliersFromSyntheticHistory() throws {
        let (history, truth) = Self.syntheticHistory(projects: 400, noise: 0.1, seed: 21)
        let fit = try FactorCalibrator.fit(history)
        expectMultipliers(fit.multipliers, match: truth, tolerance: 0.04)
        #expect(near(fit.residualLogSigma, 0.1, 0.01))
        #expect(fit.unfittedLevels.isEmpty)
        #expect(fit.observationCount == 1600)
    }

    @Test func levelsWithoutHistoryKeepThePrior() throws {
        var (history, _) = Self.syntheticHistory(projects: 200, noise: 0.05, seed: 4)
        history.removeAll { $0.factors.clientSize == .enterprise }
        let fit = try FactorCalibrator.fit(history)
        #expect(fit.unfittedLevels == ["client_size.enterprise"])
        // The documented default for an enterprise client.
        #expect(fit.multipliers.clientSize[.enterprise] == 1.35)
    }

    @Test func calibrationRejectsEmptyOrNonPositiveHistory() {
        #expect(throws: DomainError.self) { try FactorCalibrator.fit([]) }
        let bad = FinishedProject(id: "x", factors: DeliveryFactors(), phases: [PhaseOutcome(phase: .systemDesign, plannedWeeks: 0, actualWeeks: 3)])
        do {
            _ = try FactorCalibrator.fit([bad])
            Issue.record("expected an error")
        } catch let error as DomainError {
            #expect(error.field == "history[0].phases[0].planned_weeks")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func coverageCountsActualsUnderRecordedForecasts() throws {
        let phases = [PhaseOutcome(phase: .systemDesign, plannedWeeks: 5, actualWeeks: 6)]
        let history = [
            FinishedProject(id: "a", factors: DeliveryFactors(), phases: phases, forecast: RecordedForecast(p50Weeks: 5, p80Weeks: 7)),
            FinishedProject(id: "b", factors: DeliveryFactors(), phases: phases, forecast: RecordedForecast(p50Weeks: 6, p80Weeks: 8)),
            FinishedProject(id: "c", factors: DeliveryFactors(), phases: phases, forecast: RecordedForecast(p50Weeks: 4, p80Weeks: 5)),
            FinishedProject(id: "d", factors: DeliveryFactors(), phases: phases),
        ]
        let report = try FactorCalibrator.coverage(history)
        #expect(report.evaluated == 3 && report.skipped == 1)
        #expect(report.underP50 == 1 && report.underP80 == 2)
        #expect(near(report.shareUnderP80, 2.0 / 3, 1e-12))
    }
}
