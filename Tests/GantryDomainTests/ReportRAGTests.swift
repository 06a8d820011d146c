import Foundation
import Testing
@testable import GantryDomain

/// The RAG rule and the report models' derived figures.
@Suite struct ReportRAGTests {
    let target = CalendarDay("2026-09-30")!

    @Test func greenWhenP80FinishesOnOrBeforeTheTarget() {
        #expect(RAGStatus.of(p50Finish: target.adding(days: -20), p80Finish: target.adding(days: -1), target: target) == .green)
        #expect(RAGStatus.of(p50Finish: target.adding(days: -5), p80Finish: target, target: target) == .green)
    }

    @Test func amberWhenOnlyP50FinishesByTheTarget() {
        #expect(RAGStatus.of(p50Finish: target, p80Finish: target.adding(days: 1), target: target) == .amber)
        #expect(RAGStatus.of(p50Finish: target.adding(days: -3), p80Finish: target.adding(days: 30), target: target) == .amber)
    }

    @Test func redWhenP50FinishesAfterTheTarget() {
        #expect(RAGStatus.of(p50Finish: target.adding(days: 1), p80Finish: target.adding(days: 9), target: target) == .red)
        // Crossed percentiles cannot come from one distribution; the cautious reading wins.
        #expect(RAGStatus.of(p50Finish: target.adding(days: 1), p80Finish: target.adding(days: -1), target: target) == .red)
    }

    @Test func unknownWithoutATargetOrFinishDates() {
        #expect(RAGStatus.of(p50Finish: target, p80Finish: target, target: nil) == .unknown)
        #expect(RAGStatus.of(p50Finish: nil, p80Finish: target, target: target) == .unknown)
        #expect(RAGStatus.of(p50Finish: target, p80Finish: nil, target: target) == .unknown)
        #expect(RAGStatus.unknown.title == "No target")
    }

    @Test func forecastJudgesAgainstTheProjectsTargetAndRecomputesOnTimeFromTheSCurve() throws {
        let start = CalendarDay("2026-03-02")!
        var points: [SCurvePoint] = []
        for i in 0...10 {
            let date = start.adding(days: 140 + 7 * i)
            points.append(SCurvePoint(weeks: 20 + Double(i), workingDays: 100 + 5 * i, date: date, probability: Double(i) / 10))
        }
        let result = EstimateResult(
            trials: 1_000, seed: 1, total: DurationSummary(mean: 25, standardDeviation: 2, min: 20, max: 30),
            percentiles: [
                PercentileForecast(percentile: 50, weeks: 25, workingDays: 125, finishDate: start.adding(days: 175)),
                PercentileForecast(percentile: 80, weeks: 28, workingDays: 140, finishDate: start.adding(days: 196)),
            ], phases: [], histogram: [], sCurve: points, sensitivity: [], startDate: start,
            targetDate: start.adding(days: 300), probabilityOfMeetingTarget: 1)
        // The estimate's own target is far away; the project's target (day 182) lies between P50 and P80.
        let forecast = try #require(ReportForecast(kind: "forecast", result: result, risks: [], target: start.adding(days: 182)))
        #expect(forecast.rag == .amber)
        #expect(forecast.targetDate == start.adding(days: 182))
        // The last S-curve point dated on or before day 182 is week 26 (day 182) with 0.6.
        #expect(forecast.probabilityOnTime == 0.6)
        #expect(forecast.targetWeeks == 26)
        let ownTarget = try #require(ReportForecast(kind: "forecast", result: result, risks: [], target: nil))
        #expect(ownTarget.rag == .green && ownTarget.probabilityOnTime == 1)
    }

    @Test func phaseRowCountsStepsAndEndVariance() {
        let row = ReportPhaseRow(
            phase: .systemDesign, ordinal: 2, state: "active", plannedStart: target, plannedEnd: target.adding(days: 34),
            actualStart: target, actualEnd: target.adding(days: 40), stepsDone: 3, stepsTotal: 4)
        #expect(row.percentDone == 75 && row.endVarianceDays == 6 && row.title == "System design")
        let ongoing = ReportPhaseRow(
            phase: .maintenanceAndSupport, ordinal: 5, state: "pending", plannedStart: target, plannedEnd: nil,
            actualStart: nil, actualEnd: nil, stepsDone: 0, stepsTotal: 0)
        #expect(ongoing.percentDone == 0 && ongoing.endVarianceDays == nil)
    }

    @Test func portfolioPutsProjectsNeedingAttentionFirstAndCountsThem() {
        func project(_ name: String, p50: Int?) -> ProjectStatusReport {
            var forecast: ReportForecast?
            if let p50 {
                let start = CalendarDay("2026-01-05")!
                let result = EstimateResult(
                    trials: 10, seed: 1, total: DurationSummary(mean: 1, standardDeviation: 0, min: 1, max: 1),
                    percentiles: [
                        PercentileForecast(percentile: 50, weeks: 1, workingDays: 5, finishDate: target.adding(days: p50)),
                        PercentileForecast(percentile: 80, weeks: 2, workingDays: 10, finishDate: target.adding(days: p50 + 10)),
                    ], phases: [], histogram: [], sCurve: [], sensitivity: [], startDate: start, targetDate: target,
                    probabilityOfMeetingTarget: 0.5)
                forecast = ReportForecast(kind: "forecast", result: result, risks: [], target: target)
            }
            return ProjectStatusReport(
                projectID: UUID(), name: name, clientName: "C", status: "active", startDate: target.adding(days: -200),
                targetDate: target, generatedAt: "2026-01-01T00:00:00Z", phases: [], forecast: forecast, recentJobs: [],
                migrations: [])
        }
        let portfolio = PortfolioReport(
            generatedAt: "2026-01-01T00:00:00Z",
            projects: [project("A green", p50: -30), project("B none", p50: nil), project("C red", p50: 5), project("D amber", p50: -5)])
        #expect(portfolio.projects.map(\.name) == ["C red", "D amber", "A green", "B none"])
        #expect(portfolio.ragCounts == [.red: 1, .amber: 1, .green: 1, .unknown: 1])
    }

    @Test func numbersAndTimestampsFormatWithoutALocale() {
        #expect(ReportNumber.fixed(2.345, 1) == "2.3")
        #expect(ReportNumber.fixed(2.25, 1) == "2.3")
        #expect(ReportNumber.fixed(-0.04, 1) == "0.0")
        #expect(ReportNumber.fixed(-1.5, 0) == "-2")
        #expect(ReportNumber.fixed(12, 3) == "12.000")
        #expect(ReportNumber.fixed(0.05, 2) == "0.05")
        #expect(ReportNumber.percent(0.804) == "80%")
        #expect(ReportNumber.fixed(.nan, 1) == "–")
        #expect(ReportNumber.utcTimestamp(secondsSince1970: 0) == "1970-01-01T00:00:00Z")
        #expect(ReportNumber.utcTimestamp(secondsSince1970: 1_795_632_440.9) == "2026-11-25T18:47:20Z")
        #expect(ReportNumber.utcTimestamp(secondsSince1970: -1) == "1969-12-31T23:59:59Z")
    }
}
