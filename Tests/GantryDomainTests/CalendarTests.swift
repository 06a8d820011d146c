import Testing
@testable import GantryDomain

@Suite struct CalendarTests {
    let monday = CalendarDay("2026-01-05")!

    @Test func calendarDaysParsePrintAndKnowTheirWeekday() {
        #expect(CalendarDay("1970-01-01")!.dayNumber == 0)
        #expect(CalendarDay("2026-01-05")!.weekday == 1)
        #expect(CalendarDay("2026-01-10")!.isWeekend)
        #expect(CalendarDay("2024-02-29")!.description == "2024-02-29")
        #expect(CalendarDay("2026-02-29") == nil)
        #expect(CalendarDay("2026-1-5") == nil)
        #expect(CalendarDay("1969-12-31")!.dayNumber == -1)
        #expect(CalendarDay(dayNumber: -1).description == "1969-12-31")
    }

    @Test func oneWorkingWeekFromMondayEndsOnFriday() {
        let calendar = WorkingCalendar(startDate: monday)
        #expect(calendar.finishDate(forWeeks: 1).description == "2026-01-09")
        #expect(calendar.finishDate(forWeeks: 1.1).description == "2026-01-12")
        #expect(calendar.finishDate(forWeeks: 3).description == "2026-01-23")
    }

    @Test func finishDatesSkipWeekendsAndHolidays() {
        let calendar = WorkingCalendar(
            startDate: monday, holidays: [CalendarDay("2026-01-14")!, CalendarDay("2026-01-17")!])
        // 10 working days: the Wednesday holiday pushes the end from Fri 16th past the weekend to Mon 19th;
        // the Saturday "holiday" changes nothing.
        #expect(calendar.finishDate(forWeeks: 2).description == "2026-01-19")
        #expect(calendar.workingDays(through: CalendarDay("2026-01-19")!) == 10)
        #expect(!calendar.isWorkingDay(CalendarDay("2026-01-14")!))
        let weekendStart = WorkingCalendar(startDate: CalendarDay("2026-01-03")!)
        #expect(weekendStart.date(ofWorkingDay: 1) == monday)
        let sevenDays = WorkingCalendar(startDate: monday, weekendsOff: false)
        #expect(sevenDays.finishDate(forWeeks: 1).description == "2026-01-11")
    }

    @Test func workingDayCountAndDateOfWorkingDayAreInverse() {
        let calendar = WorkingCalendar(
            startDate: CalendarDay("2025-12-20")!,
            holidays: ["2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03"].map { CalendarDay($0)! })
        for n in 1...200 {
            let day = calendar.date(ofWorkingDay: n)
            #expect(calendar.isWorkingDay(day))
            #expect(calendar.workingDays(through: day) == n)
        }
    }

    @Test func forecastGivesFinishDatesAndTheProbabilityOfMeetingTheTarget() throws {
        var input = singlePhase(min: 2, max: 2, distribution: .pert, trials: 1_000)
        input.calendar = WorkingCalendar(startDate: monday, holidays: [CalendarDay("2026-01-14")!])
        input.targetDate = CalendarDay("2026-01-19")
        let onTime = try MonteCarloEstimator.simulate(input)
        #expect(onTime.percentile(50)!.finishDate?.description == "2026-01-19")
        #expect(onTime.percentile(50)!.workingDays == 10)
        #expect(onTime.probabilityOfMeetingTarget == 1)
        input.targetDate = CalendarDay("2026-01-16")
        #expect(try MonteCarloEstimator.simulate(input).probabilityOfMeetingTarget == 0)
    }

    @Test func sCurveByDateMatchesTheShareOfTrialsFinishedByThatDate() throws {
        var input = EstimateInput(trials: 20_000, seed: 6)
        input.calendar = WorkingCalendar(startDate: monday)
        let result = try MonteCarloEstimator.simulate(input)
        let p80 = result.percentile(80)!
        let point = try #require(result.sCurve.first { $0.date! >= p80.finishDate! })
        #expect(point.probability >= 0.8)
        input.targetDate = point.date
        #expect(try MonteCarloEstimator.simulate(input).probabilityOfMeetingTarget == point.probability)
    }
}
