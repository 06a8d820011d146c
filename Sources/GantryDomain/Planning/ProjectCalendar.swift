/// A project's working calendar as stored with the project: which days its team works. Forecasts of
/// the project read it (a payload's `weekends_off` and `holidays` still win), so the holidays of a
/// China delivery are entered once, not in every job.
public struct ProjectCalendar: Sendable, Hashable {
    public var weekendsOff: Bool
    public var holidays: [CalendarDay]
    /// Weekend days that are worked (make-up working days, China's 调休).
    public var workdays: [CalendarDay]

    /// At most this many dates in each list: twenty years of a generous holiday calendar.
    public static let maximumDates = 2_000

    public init(weekendsOff: Bool = true, holidays: [CalendarDay] = [], workdays: [CalendarDay] = []) {
        self.weekendsOff = weekendsOff
        self.holidays = holidays
        self.workdays = workdays
    }

    /// Sorted and deduplicated, as stored and shown.
    public var normalised: ProjectCalendar {
        ProjectCalendar(
            weekendsOff: weekendsOff, holidays: Array(Set(holidays)).sorted(), workdays: Array(Set(workdays)).sorted())
    }

    /// The rules as a ``WorkingCalendar`` whose work starts on `start`.
    public func working(from start: CalendarDay) -> WorkingCalendar {
        WorkingCalendar(startDate: start, weekendsOff: weekendsOff, holidays: holidays, workdays: workdays)
    }

    /// Refuses a list over ``maximumDates`` and a date that is both a holiday and a make-up day
    /// (one of the two is a typing error, and either reading would surprise someone).
    public func validate() throws(DomainError) {
        if holidays.count > Self.maximumDates {
            throw DomainError(.outOfRange, field: "holidays", "at most \(Self.maximumDates) dates, got \(holidays.count)")
        }
        if workdays.count > Self.maximumDates {
            throw DomainError(.outOfRange, field: "workdays", "at most \(Self.maximumDates) dates, got \(workdays.count)")
        }
        let holidaySet = Set(holidays)
        if let both = workdays.sorted().first(where: holidaySet.contains) {
            throw DomainError(.invalidValue, field: "workdays", "\(both) is also listed as a holiday")
        }
    }
}
