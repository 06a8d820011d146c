import GantryDomain
import PropertyBased
import Testing

/// The working calendar with random holidays and make-up working days (issue 14): however the lists fall,
/// counting working days and finding the n-th one stay inverse, and the n-th working day is a working day.
@Suite struct WorkingCalendarFuzzTests {
    /// A start within a fortnight of 2027-01-04, up to 60 holidays and 30 make-up days within a year of it,
    /// weekends off or worked, and a working day to find.
    static let calendars = zip(
        Gen.int(in: 0...13), Gen.int(in: 0...365).array(of: 0...60), Gen.int(in: 0...365).array(of: 0...30), Gen.bool,
        Gen.int(in: 1...400)
    ).map { start, holidays, workdays, weekendsOff, n in
        let origin = CalendarDay("2027-01-04")!
        return (
            calendar: WorkingCalendar(
                startDate: origin.adding(days: start), weekendsOff: weekendsOff, holidays: holidays.map { origin.adding(days: $0) },
                workdays: workdays.map { origin.adding(days: $0) }),
            n: n
        )
    }

    static func check(_ calendar: WorkingCalendar, _ n: Int) -> String? {
        let day = calendar.date(ofWorkingDay: n)
        guard calendar.isWorkingDay(day) else { return "working day \(n) is \(day), which is not a working day" }
        guard calendar.workingDays(through: day) == n else {
            return "working day \(n) is \(day), but \(calendar.workingDays(through: day)) working days lead up to it"
        }
        guard calendar.workingDays(through: day.adding(days: -1)) == n - 1 else { return "working day \(n) is not the first such day" }
        return nil
    }

    @Test func theNthWorkingDayIsAWorkingDayAndCountingBackGivesN() {
        seededCheck(seed: 0xCA1E_0014, quick: 500, input: Self.calendars) { Self.check($0.calendar, $0.n) }
    }
}
