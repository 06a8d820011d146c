/// Turns working weeks into finish dates: work starts on `startDate` (or the first working day after
/// it), weekends are off unless `weekendsOff` is false, and listed holidays are skipped.
///
/// A duration of `w` working weeks takes `ceil(w × daysPerWeek)` working days (at least one), and
/// finishes at the end of the last of them: 1 week from Monday 2026-01-05 finishes Friday 2026-01-09.
/// `daysPerWeek` is 5 with weekends off, 7 otherwise.
public struct WorkingCalendar: Sendable, Hashable, Codable {
    public var startDate: CalendarDay
    public var weekendsOff: Bool
    public var holidays: [CalendarDay]

    /// Sorted, deduplicated day numbers of holidays that fall on working days, for counting.
    private let holidayDays: [Int]

    public init(startDate: CalendarDay, weekendsOff: Bool = true, holidays: [CalendarDay] = []) {
        self.startDate = startDate
        self.weekendsOff = weekendsOff
        self.holidays = holidays
        holidayDays = Array(Set(holidays.filter { !(weekendsOff && $0.isWeekend) }.map(\.dayNumber))).sorted()
    }

    public var daysPerWeek: Double { weekendsOff ? 5 : 7 }

    public func isWorkingDay(_ day: CalendarDay) -> Bool {
        if weekendsOff && day.isWeekend { return false }
        return !holidayDays.binarySearchContains(day.dayNumber)
    }

    /// Working days needed for `weeks` of work (at least one, so a finish date always exists).
    public func workingDays(forWeeks weeks: Double) -> Int {
        Swift.max(1, Int((weeks * daysPerWeek - 1e-9).rounded(.up)))
    }

    /// The date on which the `n`-th working day from the start (1-based) falls.
    public func date(ofWorkingDay n: Int) -> CalendarDay {
        let n = Swift.max(1, n)
        let first = startDate.dayNumber
        // Place the n-th day ignoring holidays, then push it out by the holidays it passed, until the
        // count of holidays in [start, candidate] stops changing.
        var extra = 0
        var candidate = nthWeekday(n, from: first)
        while true {
            let passed = holidayDays.countInRange(first, candidate)
            if passed == extra { break }
            extra = passed
            candidate = nthWeekday(n + extra, from: first)
        }
        return CalendarDay(dayNumber: candidate)
    }

    /// The finish date of `weeks` working weeks.
    public func finishDate(forWeeks weeks: Double) -> CalendarDay { date(ofWorkingDay: workingDays(forWeeks: weeks)) }

    /// Working days from the start through `day` inclusive (0 when `day` is before the start).
    public func workingDays(through day: CalendarDay) -> Int {
        let first = startDate.dayNumber
        guard day.dayNumber >= first else { return 0 }
        return weekdays(from: first, through: day.dayNumber) - holidayDays.countInRange(first, day.dayNumber)
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
        case holidays
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.init(
            startDate: try c.decode(required: .startDate, "a calendar needs a start date"),
            weekendsOff: try c.decode(.weekendsOff, or: true), holidays: try c.decode(.holidays, or: []))
    }

    public static func == (a: WorkingCalendar, b: WorkingCalendar) -> Bool {
        a.startDate == b.startDate && a.weekendsOff == b.weekendsOff && a.holidays == b.holidays
    }

    public func hash(into h: inout Hasher) {
        h.combine(startDate)
        h.combine(weekendsOff)
        h.combine(holidays)
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
