import Foundation
import Testing
@testable import GantryDomain

/// What the noisy recovery test in CalibrationTests cannot show: with no noise the fit is exact, the
/// prior does not pull levels the history observes, and coverage prefers a recorded forecast.
@Suite struct CalibrationRecoveryTests {
    /// Every combination of the four factors' levels once (256 projects, 1,024 phase outcomes), with
    /// actual = planned × the true multiplier exactly.
    static func factorialHistory(truth: FactorMultipliers) -> [FinishedProject] {
        var history: [FinishedProject] = []
        for size in ClientSize.allCases {
            for complexity in RequirementComplexity.allCases {
                for team in TeamCapability.allCases {
                    for management in ManagementEfficiency.allCases {
                        let factors = DeliveryFactors(
                            clientSize: size, complexity: complexity, teamCapability: team, managementEfficiency: management)
                        history.append(finishedProject("\(history.count)", factors: factors, truth: truth))
                    }
                }
            }
        }
        return history
    }

    static let truth = firmTable

    @Test func noiseFreeHistoryRecoversEveryMultiplierExactly() throws {
        let fit = try FactorCalibrator.fit(Self.factorialHistory(truth: Self.truth))
        expectMultipliers(fit.multipliers, match: Self.truth, tolerance: 1e-6)
        #expect(fit.residualLogSigma < 1e-6)
        #expect(fit.projectCount == 256 && fit.observationCount == 1_024 && fit.unfittedLevels.isEmpty)
    }

    @Test func aDifferentPriorDoesNotPullWellObservedLevels() throws {
        var prior = FactorMultipliers.defaults
        prior.clientSize[.enterprise] = 5
        prior.complexity[.low] = 0.2
        prior.phaseBias = [.systemDesign: 3]
        let fit = try FactorCalibrator.fit(Self.factorialHistory(truth: Self.truth), prior: prior)
        expectMultipliers(fit.multipliers, match: Self.truth, tolerance: 1e-6)
    }

    @Test func recordedForecastIsUsedInsteadOfARerun() throws {
        let phases = [PhaseOutcome(phase: .systemDesign, plannedWeeks: 5, actualWeeks: 6)]
        let history = [
            FinishedProject(id: "recorded", factors: DeliveryFactors(), phases: phases, forecast: RecordedForecast(p50Weeks: 4, p80Weeks: 5)),
            FinishedProject(id: "rerun", factors: DeliveryFactors(), phases: phases),
        ]
        var rerun: [String] = []
        // A re-run whose forecast is a certain 10 weeks: it covers the actual 6 weeks at P50 and P80.
        let report = try FactorCalibrator.coverage(history) { project in
            rerun.append(project.id)
            return EstimateInput(
                phases: [PhaseEstimate(.systemDesign, weeks: ThreePointEstimate(min: 10, max: 10))],
                trials: 100)
        }
        #expect(rerun == ["rerun"])
        #expect(report.evaluated == 2 && report.skipped == 0)
        #expect(report.underP50 == 1 && report.underP80 == 1)
    }
}
