import Foundation
import Testing
@testable import GantryDomain

@Suite struct ForecastSlipRuleTests {
    func point(_ p80: String?, kind: String = "reforecast", at second: Int) -> ForecastPoint {
        ForecastPoint(
            estimateID: UUID(), createdAt: Date(timeIntervalSince1970: TimeInterval(second)), kind: kind, p50Finish: nil,
            p80Finish: p80.map { CalendarDay($0)! }, probabilityOnTime: nil)
    }

    @Test func aSlipOfMoreThanTheThresholdInWorkingDaysIsReported() throws {
        // Fri 2027-06-04 to Mon 2027-06-21: eleven working days.
        let history = [point("2027-06-04", kind: "forecast", at: 1), point("2027-06-11", at: 2), point("2027-06-21", at: 3)]
        let slip = try #require(ForecastSlipRule.standard.slip(in: history, calendar: nil))
        #expect(slip.workingDays == 11)
        #expect(slip.from.description == "2027-06-04" && slip.to.description == "2027-06-21")
        // Ten working days is not more than ten.
        #expect(ForecastSlipRule.standard.slip(in: Array(history.prefix(2)) + [point("2027-06-18", at: 3)], calendar: nil) == nil)
    }

    @Test func holidaysInTheProjectsCalendarAreNotASlip() {
        let history = [point("2027-06-04", at: 1), point("2027-06-21", at: 2)]
        let calendar = ProjectCalendar(holidays: [CalendarDay("2027-06-14")!])
        #expect(ForecastSlipRule.standard.slip(in: history, calendar: calendar) == nil)
    }

    @Test func theEarliestP80OfTheWindowCountsAndOlderForecastsDoNot() {
        let rule = ForecastSlipRule(thresholdWorkingDays: 10, window: 3)
        // Improved from 07-30 to 06-04, then slipped back to 06-25: a slip of 15 working days.
        let history = [point("2027-07-30", at: 1), point("2027-06-04", at: 2), point("2027-06-25", at: 3)]
        #expect(rule.slip(in: history, calendar: nil)?.workingDays == 15)
        // The early forecast is out of a window of 3 once three newer ones exist.
        let later = history + [point("2027-06-28", at: 4), point("2027-06-29", at: 5)]
        #expect(rule.slip(in: later, calendar: nil) == nil)
    }

    @Test func calibrationRunsAndForecastsThatMovedInAreNotSlips() {
        let history = [point("2027-06-04", at: 1), point("2027-09-01", kind: "calibration", at: 2)]
        #expect(ForecastSlipRule.standard.slip(in: history, calendar: nil) == nil)
        let earlier = [point("2027-09-01", at: 1), point("2027-06-04", at: 2)]
        #expect(ForecastSlipRule.standard.slip(in: earlier, calendar: nil) == nil)
        #expect(ForecastSlipRule.standard.slip(in: [], calendar: nil) == nil)
    }

    @Test func theThresholdIsConfigurable() {
        let history = [point("2027-06-04", at: 1), point("2027-06-11", at: 2)]
        #expect(ForecastSlipRule(thresholdWorkingDays: 4, window: 5).slip(in: history, calendar: nil)?.workingDays == 5)
        #expect(ForecastSlipRule(thresholdWorkingDays: 5, window: 5).slip(in: history, calendar: nil) == nil)
    }

    @Test func aSlipFlagsTheProjectAndClearsOnceNeitherRuleHolds() {
        var progress = ProjectProgress(status: .active, atRisk: false, phases: DeliveryPhase.allCases.map { ProjectProgress.Phase(phase: $0) })
        let day = CalendarDay("2027-03-01")!
        let slip = ForecastSlip(from: CalendarDay("2027-06-04")!, to: CalendarDay("2027-06-21")!, workingDays: 11)
        let flagged = progress.review(limits: PhaseLimits(), slip: slip, on: day)
        #expect(flagged.map(\.kind) == [.projectAtRisk])
        #expect(flagged.first?.slipWorkingDays == 11 && flagged.first?.p80Finish == slip.to)
        #expect(progress.atRisk)
        #expect(progress.review(limits: PhaseLimits(), slip: slip, on: day).isEmpty, "reported once")
        #expect(progress.review(limits: PhaseLimits(), slip: nil, on: day).map(\.kind) == [.projectBackOnTrack])
    }
}
