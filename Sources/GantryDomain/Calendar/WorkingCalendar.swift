/// Turns working weeks into finish dates: work starts on `startDate` (or the first working day after
/// it), weekends are off unless `weekendsOff` is false, listed holidays are skipped, and listed
/// make-up working days (`workdays`) are worked although they fall on a weekend.
///
/// A duration of `w` working weeks takes `ceil(w × daysPerWeek)` working days (at least one), and
/// finishes at the end of the last of them: 1 week from Monday 2026-01-05 finishes Friday 2026-01-09.
/// `daysPerWeek` is 5 with weekends off, 7 otherwise.
///
/// Make-up days exist because some holiday calendars move work onto weekends: China's Spring
/// Festival week (调休) is paid for by working the Saturday or Sunday around it, so a plan that
/// only skipped the holidays would finish a day or two late. A date listed both as a holiday and
/// as a make-up day is a holiday; a make-up day on a weekday (or with weekends worked) changes
/// nothing, since that day is worked anyway.
public struct WorkingCalendar: Sendable, Hashable, Codable {
    public var startDate: CalendarDay
    public var weekendsOff: Bool
    public var holidays: [CalendarDay]
    /// Weekend days that are worked (make-up working days).
    public var workdays: [CalendarDay]

    /// Sorted, deduplicated day numbers of holidays that fall on working days, for counting.
    private let holidayDays: [Int]
    /// Sorted, deduplicated day numbers of make-up days that turn a weekend day into a working day.
    private let makeUpDays: [Int]

    public init(
        startDate: CalendarDay, weekendsOff: Bool = true, holidays: [CalendarDay] = [], workdays: [CalendarDay] = []
    ) {
        self.startDate = startDate
        self.weekendsOff = weekendsOff
        self.holidays = holidays
        self.workdays = workdays
        let holidaySet = Set(holidays.map(\.dayNumber))
        makeUpDays = weekendsOff
            ? Array(Set(workdays.filter { $0.isWeekend && !holidaySet.contains($0.dayNumber) }.map(\.dayNumber))).sorted() : []
        holidayDays = Array(Set(holidays.filter { !(weekendsOff && $0.isWeekend) }.map(\.dayNumber))).sorted()
    }

    /// The same rules with work starting on `day`: for counting the working days of a span that
    /// does not start with the project (a phase's actual duration).
    public func starting(on day: CalendarDay) -> WorkingCalendar {
        WorkingCalendar(startDate: day, weekendsOff: weekendsOff, holidays: holidays, workdays: workdays)
    }

    public var daysPerWeek: Double { weekendsOff ? 5 : 7 }

    public func isWorkingDay(_ day: CalendarDay) -> Bool {
        if weekendsOff && day.isWeekend { return makeUpDays.binarySearchContains(day.dayNumber) }
        return !holidayDays.binarySearchContains(day.dayNumber)
    }

    /// Working days needed for `weeks` of work (at least one, so a finish date always exists).
    public func workingDays(forWeeks weeks: Double) -> Int {
        Swift.max(1, Int((weeks * daysPerWeek - 1e-9).rounded(.up)))
    }

    /// The date on which the `n`-th working day from the start (1-based) falls.
    ///
    /// The smallest day whose count of working days reaches `n` (the count only grows on working
    /// days, so that day is the n-th one): found by doubling a bound, then bisecting, since
    /// ``workingDays(through:)`` is a closed form plus two binary searches.
    public func date(ofWorkingDay n: Int) -> CalendarDay {
        let n = Swift.max(1, n)
        let first = startDate.dayNumber
        var low = first
        var high = nthWeekday(n, from: first)
        while workingDays(through: CalendarDay(dayNumber: high)) < n {
            low = high + 1
            high = first + (high - first + 1) * 2
        }
        while low < high {
            let mid = low + (high - low) / 2
            if workingDays(through: CalendarDay(dayNumber: mid)) >= n { high = mid } else { low = mid + 1 }
        }
        return CalendarDay(dayNumber: low)
    }

    /// The finish date of `weeks` working weeks.
    public func finishDate(forWeeks weeks: Double) -> CalendarDay { date(ofWorkingDay: workingDays(forWeeks: weeks)) }

    /// Working days from the start through `day` inclusive (0 when `day` is before the start).
    public func workingDays(through day: CalendarDay) -> Int {
        let first = startDate.dayNumber
        guard day.dayNumber >= first else { return 0 }
        return weekdays(from: first, through: day.dayNumber) - holidayDays.countInRange(first, day.dayNumber)
            + makeUpDays.countInRange(first, day.dayNumber)
    }

    /// Working days from `from` through `through`, both inclusive (0 when `through` is before `from`).
    public func workingDays(from: CalendarDay, through: CalendarDay) -> Int {
        starting(on: from).workingDays(through: through)
    }

    /// Day number of the n-th (1-based) non-weekend day counted from `first` inclusive.
    private func nthWeekday(_ n: Int, from first: Int) -> Int {
        guard weekendsOff else { return first + n - 1 }
        var d = first
        while CalendarDay(dayNumber: d).isWeekend { d += 1 }
        // d is a weekday; weekday index 0 = Monday.
        let offset = CalendarDay(dayNumber: d).weekday - 1
        let k = n - 1 + offset
        let target = (d - offset) + (k / 5) * 7 + k % 5
        return target
    }

    private func weekdays(from first: Int, through last: Int) -> Int {
        guard weekendsOff else { return last - first + 1 }
        func before(_ x: Int) -> Int {
            // Weekdays in day numbers [anchor, x) where anchor is a Monday (1970-01-05 = day 4).
            let rel = x - 4
            let weeks = rel >= 0 ? rel / 7 : (rel - 6) / 7
            let rem = rel - weeks * 7
            return weeks * 5 + Swift.min(rem, 5)
        }
        return before(last + 1) - before(first)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case startDate = "start_date"
        case weekendsOff = "weekends_off"
        case holidays, workdays
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.init(
            startDate: try c.decode(required: .startDate, "a calendar needs a start date"),
            weekendsOff: try c.decode(.weekendsOff, or: true), holidays: try c.decode(.holidays, or: []),
            workdays: try c.decode(.workdays, or: []))
    }

    /// `workdays` only when there are some, so an input without make-up days encodes as before.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(startDate, forKey: .startDate)
        try c.encode(weekendsOff, forKey: .weekendsOff)
        try c.encode(holidays, forKey: .holidays)
        if !workdays.isEmpty { try c.encode(workdays, forKey: .workdays) }
    }

    public static func == (a: WorkingCalendar, b: WorkingCalendar) -> Bool {
        a.startDate == b.startDate && a.weekendsOff == b.weekendsOff && a.holidays == b.holidays && a.workdays == b.workdays
    }

    public func hash(into h: inout Hasher) {
        h.combine(startDate)
        h.combine(weekendsOff)
        h.combine(holidays)
        h.combine(workdays)
    }
}

extension Array where Element == Int {
    /// Index of the first element ≥ x in a sorted array.
    func lowerBound(_ x: Int) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func binarySearchContains(_ x: Int) -> Bool {
        let i = lowerBound(x)
        return i < count && self[i] == x
    }

    /// Elements in [a, b] of a sorted array.
    func countInRange(_ a: Int, _ b: Int) -> Int { b < a ? 0 : lowerBound(b + 1) - lowerBound(a) }
}
