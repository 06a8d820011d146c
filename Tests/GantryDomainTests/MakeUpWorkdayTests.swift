import Foundation
import Testing
@testable import GantryDomain

/// Make-up working days (China's 调休): a weekend date listed as a working day counts as one.
@Suite struct MakeUpWorkdayTests {
    /// Spring Festival 2027 as the State Council might set it: Thu 2027-02-11 to Wed 2027-02-17 off, with
    /// Sunday 2027-02-07 and Saturday 2027-02-20 worked in their place.
    let holidays = ["2027-02-11", "2027-02-12", "2027-02-15", "2027-02-16", "2027-02-17"].map { CalendarDay($0)! }
    let workdays = ["2027-02-07", "2027-02-20"].map { CalendarDay($0)! }
    let monday = CalendarDay("2027-02-01")!

    @Test func aListedWeekendDayIsAWorkingDayAndOthersAreNot() {
        let calendar = WorkingCalendar(startDate: monday, holidays: holidays, workdays: workdays)
        #expect(calendar.isWorkingDay(CalendarDay("2027-02-07")!))
        #expect(!calendar.isWorkingDay(CalendarDay("2027-02-06")!))
        #expect(!calendar.isWorkingDay(CalendarDay("2027-02-11")!))
        #expect(calendar.isWorkingDay(CalendarDay("2027-02-10")!))
    }

    @Test func makeUpDaysAreCountedAndFinishDatesComeEarlier() {
        let plain = WorkingCalendar(startDate: monday, holidays: holidays)
        let madeUp = WorkingCalendar(startDate: monday, holidays: holidays, workdays: workdays)
        // Through Sunday the 7th: five weekdays, plus the worked Sunday.
        #expect(plain.workingDays(through: CalendarDay("2027-02-07")!) == 5)
        #expect(madeUp.workingDays(through: CalendarDay("2027-02-07")!) == 6)
        // The 6th working day is that Sunday, not Monday the 8th.
        #expect(plain.date(ofWorkingDay: 6).description == "2027-02-08")
        #expect(madeUp.date(ofWorkingDay: 6).description == "2027-02-07")
        // Three weeks (15 working days): the holidays push the plain plan to Fri 2027-02-26; the two
        // worked weekend days bring it back to Wed 2027-02-24.
        #expect(plain.finishDate(forWeeks: 3).description == "2027-02-26")
        #expect(madeUp.finishDate(forWeeks: 3).description == "2027-02-24")
    }

    @Test func countAndDateOfWorkingDayStayInverse() {
        let calendar = WorkingCalendar(startDate: CalendarDay("2027-02-06")!, holidays: holidays, workdays: workdays)
        for n in 1...40 {
            let day = calendar.date(ofWorkingDay: n)
            #expect(calendar.isWorkingDay(day), "day \(n) = \(day)")
            #expect(calendar.workingDays(through: day) == n, "day \(n) = \(day)")
        }
    }

    @Test func aDateBothHolidayAndWorkdayIsAHolidayAndWeekdayWorkdaysChangeNothing() {
        let sunday = CalendarDay("2027-02-07")!
        let both = WorkingCalendar(startDate: monday, holidays: [sunday], workdays: [sunday])
        #expect(!both.isWorkingDay(sunday))
        let weekday = WorkingCalendar(startDate: monday, workdays: [CalendarDay("2027-02-03")!])
        #expect(weekday.workingDays(through: CalendarDay("2027-02-07")!) == 5)
        let sevenDays = WorkingCalendar(startDate: monday, weekendsOff: false, workdays: workdays)
        #expect(sevenDays.workingDays(through: CalendarDay("2027-02-07")!) == 7)
    }

    @Test func startingOnAnotherDayKeepsTheRules() {
        let calendar = WorkingCalendar(startDate: monday, holidays: holidays, workdays: workdays)
        let span = calendar.starting(on: CalendarDay("2027-02-06")!)
        #expect(span.workdays == workdays && span.holidays == holidays)
        #expect(span.workingDays(through: CalendarDay("2027-02-08")!) == 2)
        #expect(calendar.workingDays(from: CalendarDay("2027-02-06")!, through: CalendarDay("2027-02-08")!) == 2)
    }

    @Test func workdaysDecodeAndAreLeftOutOfTheJSONWhenEmpty() throws {
        let decoded = try EstimateInput.decode(
            json: Data(#"{"calendar":{"start_date":"2027-02-01","workdays":["2027-02-07"]}}"#.utf8))
        #expect(decoded.calendar?.workdays == [CalendarDay("2027-02-07")!])
        let plain = String(decoding: try JSONEncoder().encode(WorkingCalendar(startDate: monday)), as: UTF8.self)
        #expect(!plain.contains("workdays"))
    }
}
