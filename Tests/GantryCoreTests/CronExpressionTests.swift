import Foundation
import GantryCore
import Testing

/// The cron parser and its firing times, with no server and no clock: every time is given.
@Suite("Cron expressions")
struct CronExpressionTests {
    /// An ISO 8601 UTC instant.
    func at(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)!
    }

    func next(_ cron: String, after: String, in zone: String = "UTC") throws -> Date? {
        try CronExpression(cron).nextFiring(after: at(after), in: try CronExpression.timeZone(named: zone))
    }

    func error(_ cron: String) -> CronExpressionError? {
        do {
            _ = try CronExpression(cron)
            return nil
        } catch {
            return error
        }
    }

    @Test
    func everyFifteenMinutesFiresAtTheNextQuarterHour() throws {
        #expect(try next("*/15 * * * *", after: "2026-06-01T10:07:00Z") == at("2026-06-01T10:15:00Z"))
        #expect(try next("*/15 * * * *", after: "2026-06-01T10:15:00Z") == at("2026-06-01T10:30:00Z"))
        #expect(try next("*/15 * * * *", after: "2026-06-01T23:59:59Z") == at("2026-06-02T00:00:00Z"))
    }

    @Test
    func listsRangesStepsAndNamesCombine() throws {
        // 09:00 on weekdays in the first quarter.
        #expect(try next("0 9 * JAN-MAR mon-fri", after: "2026-03-31T10:00:00Z") == at("2027-01-01T09:00:00Z"))
        #expect(try next("5,35 8-10/2 * * *", after: "2026-06-01T08:35:00Z") == at("2026-06-01T10:05:00Z"))
        // `a/n` runs from a to the field's end.
        #expect(try next("50/5 * * * *", after: "2026-06-01T10:56:00Z") == at("2026-06-01T11:50:00Z"))
    }

    @Test
    func bothDayFieldsRestrictedMatchEitherAsVixieCronDoes() throws {
        // The 15th or any Monday: 2026-06-01 is a Monday, then the 8th, then the 15th.
        #expect(try next("0 0 15 * MON", after: "2026-05-31T12:00:00Z") == at("2026-06-01T00:00:00Z"))
        #expect(try next("0 0 15 * MON", after: "2026-06-08T00:00:00Z") == at("2026-06-15T00:00:00Z"))
        // A starred day-of-month (even with a step) makes it AND: odd days that are Mondays.
        #expect(try next("0 0 */2 * MON", after: "2026-06-01T12:00:00Z") == at("2026-06-15T00:00:00Z"))
    }

    @Test
    func sundayIsZeroOrSevenAndMacrosExpand() throws {
        #expect(try next("0 0 * * 7", after: "2026-06-01T00:00:00Z") == at("2026-06-07T00:00:00Z"))
        #expect(try next("0 0 * * 0", after: "2026-06-01T00:00:00Z") == at("2026-06-07T00:00:00Z"))
        #expect(try next("@weekly", after: "2026-06-01T00:00:00Z") == at("2026-06-07T00:00:00Z"))
        #expect(try next("@hourly", after: "2026-06-01T10:00:00Z") == at("2026-06-01T11:00:00Z"))
        #expect(try next("@daily", after: "2026-06-01T10:00:00Z") == at("2026-06-02T00:00:00Z"))
        #expect(try next("@monthly", after: "2026-06-01T10:00:00Z") == at("2026-07-01T00:00:00Z"))
        #expect(try next("@yearly", after: "2026-06-01T10:00:00Z") == at("2027-01-01T00:00:00Z"))
    }

    @Test
    func anOptionalSecondsFieldComesFirst() throws {
        let cron = try CronExpression("*/5 * * * * *")
        #expect(cron.hasSeconds)
        #expect(try next("*/5 * * * * *", after: "2026-06-01T10:00:03Z") == at("2026-06-01T10:00:05Z"))
        #expect(try next("*/5 * * * * *", after: "2026-06-01T10:00:55Z") == at("2026-06-01T10:01:00Z"))
        #expect(try !CronExpression("0 * * * *").hasSeconds)
    }

    @Test
    func localTimesAreThoseOfTheScheduleZone() throws {
        // Shanghai is UTC+8 all year, with no daylight saving time.
        #expect(try next("0 9 * * *", after: "2026-03-01T00:00:00Z", in: "Asia/Shanghai") == at("2026-03-01T01:00:00Z"))
        #expect(try next("0 9 * * *", after: "2026-03-01T01:00:00Z", in: "Asia/Shanghai") == at("2026-03-02T01:00:00Z"))
        #expect(try next("0 0 1 * *", after: "2026-06-15T00:00:00Z", in: "Asia/Shanghai") == at("2026-06-30T16:00:00Z"))
    }

    @Test
    func aLocalTimeSkippedBySpringForwardFiresOnceAtTheEndOfTheGap() throws {
        // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist that day.
        let fired = try next("30 2 * * *", after: "2026-03-08T05:00:00Z", in: "America/New_York")
        #expect(fired == at("2026-03-08T07:00:00Z"))
        #expect(try next("30 2 * * *", after: "2026-03-08T07:00:00Z", in: "America/New_York") == at("2026-03-09T06:30:00Z"))
        // Every minute of the missing hour collapses into one firing at 03:00 EDT, then 03:01.
        #expect(try next("* 2,3 * * *", after: "2026-03-08T06:59:30Z", in: "America/New_York") == at("2026-03-08T07:00:00Z"))
        #expect(try next("* 2,3 * * *", after: "2026-03-08T07:00:00Z", in: "America/New_York") == at("2026-03-08T07:01:00Z"))
    }

    @Test
    func aLocalTimeRepeatedByFallBackFiresOnce() throws {
        // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST, so 01:30 happens twice.
        #expect(try next("30 1 * * *", after: "2026-11-01T04:00:00Z", in: "America/New_York") == at("2026-11-01T05:30:00Z"))
        #expect(try next("30 1 * * *", after: "2026-11-01T05:30:00Z", in: "America/New_York") == at("2026-11-02T06:30:00Z"))
        // Asked during the second 01:xx (EST), it does not fire the repeated time again.
        #expect(try next("30 1 * * *", after: "2026-11-01T06:10:00Z", in: "America/New_York") == at("2026-11-02T06:30:00Z"))
    }

    @Test
    func leapDaysFireOnlyInLeapYearsAndImpossibleDatesNever() throws {
        #expect(try next("0 0 29 2 *", after: "2026-03-01T00:00:00Z") == at("2028-02-29T00:00:00Z"))
        #expect(try next("0 12 29 2 *", after: "2028-02-29T11:00:00Z") == at("2028-02-29T12:00:00Z"))
        #expect(try next("0 0 30 2 *", after: "2026-01-01T00:00:00Z") == nil)
    }

    @Test
    func invalidExpressionsAreRefusedNamingTheFieldAndThePiece() {
        #expect(error("")?.code == .empty)
        #expect(error("* * *")?.code == .fieldCount)
        #expect(error("* * *")?.message.contains("found 3") == true)
        #expect(error("61 * * * *")?.code == .outOfRange)
        #expect(error("61 * * * *")?.message == "minute: 61 is outside 0-59")
        #expect(error("0 24 * * *")?.field == "hour")
        #expect(error("0 0 0 * *")?.field == "day-of-month")
        #expect(error("0 0 * 13 *")?.field == "month")
        #expect(error("0 0 * * 8")?.field == "day-of-week")
        #expect(error("*/0 * * * *")?.code == .invalidStep)
        #expect(error("5-2 * * * *")?.code == .invalidRange)
        #expect(error("0 0 * FOO *")?.code == .invalidValue)
        #expect(error("0 0 * FOO *")?.message.contains("JAN") == true)
        #expect(error("1,,2 * * * *")?.code == .invalidValue)
        #expect(error("@reboot")?.code == .unknownMacro)
        #expect(throws: CronExpressionError.self) { try CronExpression.timeZone(named: "Mars/Olympus_Mons") }
    }
}
