import Foundation
import Testing
@testable import GantryDomain

@Suite struct ValidationTests {
    @Test func emptyPayloadIsTheSeedsDefaultForecast() throws {
        let input = try EstimateInput.decode(json: Data("{}".utf8))
        #expect(input.phases.map(\.phase) == [.requirementsAnalysis, .systemDesign, .developmentAndTesting, .deploymentAndTraining])
        #expect(input.phases.map(\.weeks) == [
            ThreePointEstimate(min: 2, mode: 3, max: 4), ThreePointEstimate(min: 4, mode: 5, max: 6),
            ThreePointEstimate(min: 8, mode: 10, max: 12), ThreePointEstimate(min: 2, mode: 3, max: 4),
        ])
        #expect(input.phases.allSatisfy { $0.distribution == .pert })
        #expect(input.factors == DeliveryFactors(
            clientSize: .medium, complexity: .medium, teamCapability: .medium, managementEfficiency: .medium))
        #expect(input.multipliers.clientSize == [.small: 0.90, .medium: 1.00, .large: 1.15, .enterprise: 1.35])
        #expect(input.multipliers.phaseBias.isEmpty)
        #expect(input.correlation == .uniform(0.3) && input.tail == .none)
        #expect(input.statusDate == nil && input.progress.isEmpty)
        #expect(input.risks.isEmpty && input.actuals.isEmpty && input.calendar == nil && input.targetDate == nil)
        #expect(input.trials == 10_000 && input.seed == 1 && input.histogramBins == 40 && input.sCurvePoints == 50)
    }

    @Test func minAboveMaxNamesThePhasesMinField() {
        let error = decodeError(#"{"phases": [{"phase": "system_design", "min": 7, "max": 5}]}"#)
        #expect(error?.code == .invalidValue)
        #expect(error?.field == "phases[0].min")
    }

    @Test func zeroOrTooManyTrialsNameTheTrialsField() {
        #expect(decodeError(#"{"trials": 0}"#)?.field == "trials")
        #expect(decodeError(#"{"trials": 0}"#)?.code == .outOfRange)
        #expect(decodeError(#"{"trials": 10000001}"#)?.field == "trials")
        #expect(throws: DomainError.self) { try MonteCarloEstimator.simulate(EstimateInput(trials: 0)) }
    }

    @Test func unknownDistributionNamesTheFieldAndTheChoices() throws {
        let error = try #require(decodeError(
            #"{"phases": [{"phase": "requirements_analysis"}, {"phase": "system_design", "distribution": "weibull"}]}"#))
        #expect(error.code == .unknownName)
        #expect(error.field == "phases[1].distribution")
        #expect(error.message.contains("triangular"))
    }

    @Test func otherMistakesNameTheirFields() {
        #expect(decodeError(#"{"trails": 100}"#)?.field == "trails")
        #expect(decodeError(#"{"trails": 100}"#)?.code == .unknownField)
        #expect(decodeError(#"{"trials": "many"}"#)?.field == "trials")
        #expect(decodeError(#"{"phases": [{"phase": "coding"}]}"#)?.field == "phases[0].phase")
        #expect(decodeError(#"{"phases": [{"min": 1}]}"#)?.field == "phases[0].phase")
        #expect(decodeError(#"{"factors": {"client_size": "huge"}}"#)?.field == "factors.client_size")
        #expect(decodeError(#"{"risks": [{"probability": 1.5, "impact_weeks": 1, "phase": "system_design"}]}"#)?.field
            == "risks[0].probability")
        #expect(decodeError(#"{"actuals": {"system_desing": 3}}"#)?.field == "actuals.system_desing")
        #expect(decodeError(#"{"target_date": "2026-05-01"}"#)?.field == "calendar.start_date")
        #expect(decodeError(#"{"calendar": {"start_date": "2026-13-01"}}"#)?.field == "calendar.start_date")
        #expect(decodeError(#"{"phases": [{"phase": "system_design"}, {"phase": "system_design"}]}"#)?.code == .duplicate)
        #expect(decodeError(#"{"project_factor": {"sigma": 0.2}}"#)?.code == .unknownField)
        #expect(decodeError(#"{"correlation": 1.5}"#)?.field == "correlation")
        #expect(decodeError(#"{"correlation": -0.9}"#)?.message.contains("positive definite") == true)
        #expect(decodeError(#"{"correlation": [[1, 0.2], [0.2, 1]]}"#)?.field == "correlation")
        #expect(decodeError(#"{"tail": "fat"}"#)?.field == "tail")
        #expect(decodeError(#"{"tail": {"probability": 2}}"#)?.field == "tail.probability")
        #expect(decodeError(#"{"risks": [{"probability": 0.5, "impact_weeks": -5000, "phase": "system_design"}]}"#)?.field
            == "risks[0].impact_weeks")
        #expect(decodeError(#"{"status_date": "2026-03-02"}"#)?.field == "calendar.start_date")
        #expect(decodeError(#"{"calendar": {"start_date": "2026-01-05"}, "progress": {"system_design": {"started": "2026-02-02"}}}"#)?.field
            == "status_date")
        #expect(decodeError(#"{"multipliers": {"complexity": {"high": 0}}}"#)?.field == "multipliers.complexity.high")
    }

    @Test func fullPayloadDecodes() throws {
        let json = """
            {"phases": [{"phase": "requirements_analysis", "min": 2, "mode": 2.5, "max": 5},
                        {"phase": "development_and_testing", "distribution": "triangular"}],
             "factors": {"client_size": "enterprise", "complexity": "very_high"},
             "multipliers": {"client_size": {"enterprise": 1.6}},
             "correlation": 0.5, "tail": "flyvbjerg",
             "risks": [{"name": "legacy export late", "probability": 0.2, "impact_weeks": 3, "phase": "development_and_testing"}],
             "actuals": {"requirements_analysis": 4},
             "calendar": {"start_date": "2026-01-05", "holidays": ["2026-04-03"]},
             "target_date": "2026-07-01", "trials": 2000, "seed": 99}
            """
        let input = try EstimateInput.decode(json: Data(json.utf8))
        #expect(input.phases[0].weeks.mode == 2.5)
        #expect(input.phases[1].weeks == ThreePointEstimate(min: 8, max: 12))
        #expect(input.multipliers.clientSize[.enterprise] == 1.6)
        #expect(input.multipliers.clientSize[.large] == 1.15)
        #expect(input.actuals[.requirementsAnalysis] == 4)
        let result = try MonteCarloEstimator.simulate(input)
        #expect(result.trials == 2000 && result.seed == 99)
        #expect(result.probabilityOfMeetingTarget != nil)
    }
}
