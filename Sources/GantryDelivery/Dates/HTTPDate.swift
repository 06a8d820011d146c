import GantryDomain

/// The dates notifications read and write, in Unix seconds, UTC: HTTP dates (`Retry-After`),
/// RFC 5322 dates (an e-mail's `Date`) and ISO 8601 (a webhook body's `timestamp`).
///
/// Days come from GantryDomain's `CalendarDay` (the one civil-date algorithm), so it needs neither
/// Foundation's formatters nor the C library's time zone state.
package enum HTTPDate {
    static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    struct Civil: Equatable {
        var year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date, by the domain's calendar. A day past the
    /// month's end (`31 Feb`) runs on into the next month, as an HTTP date's arithmetic always did.
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        Int64(CalendarDay(year: Int(year), month: month, day: 1)!.dayNumber + day - 1)
    }

    static func civil(_ seconds: Int64) -> Civil {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = Int(seconds - days * 86_400)
        let date = CalendarDay(dayNumber: Int(days)).components
        return Civil(
            year: Int64(date.year), month: date.month, day: date.day, hour: rest / 3600, minute: rest / 60 % 60,
            second: rest % 60)
    }

    static func weekday(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        // 1970-01-01 was a Thursday (index 3 from Monday).
        let index = Int(((days % 7) + 7 + 3) % 7)
        return weekdays[index]
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// `Wed, 25 Nov 2026 18:47:05 +0000` (RFC 5322 section 3.3).
    package static func rfc5322(_ seconds: Int64) -> String {
        let c = civil(seconds)
        return "\(weekday(seconds)), \(two(c.day)) \(months[c.month - 1]) \(c.year) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    /// `Wed, 25 Nov 2026 18:47:05 GMT` (RFC 9110's IMF-fixdate).
    static func imfFixdate(_ seconds: Int64) -> String {
        let c = civil(seconds)
        return "\(weekday(seconds)), \(two(c.day)) \(months[c.month - 1]) \(c.year) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) GMT"
    }

    /// `2026-11-25T18:47:05Z`.
    package static func iso8601(_ seconds: Int64) -> String {
        let c = civil(seconds)
        return "\(c.year)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
    }

    /// Unix seconds of an HTTP date in any of the three forms RFC 9110 requires recipients to accept:
    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and
    /// asctime (`Sun Nov  6 08:49:37 1994`). Nil for anything else.
    static func parse(_ text: String) -> Int64? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?, month: Int?, year: Int64?, time: String?
        switch words.count {
        case 6 where words[5] == "GMT":
            // IMF-fixdate: weekday, day, month, year, time, GMT (the comma split away).
            day = Int(words[1])
            month = months.firstIndex(of: words[2]).map { $0 + 1 }
            year = Int64(words[3])
            time = words[4]
        case 4 where words[3] == "GMT":
            // RFC 850: weekday, dd-Mon-yy, time, GMT. Two-digit years: RFC 9110 says a year that
            // looks more than 50 years ahead is in the past; 00-69 is 20xx, 70-99 is 19xx here.
            let parts = words[1].split(separator: "-").map(String.init)
            guard parts.count == 3, let yy = Int64(parts[2]) else { return nil }
            day = Int(parts[0])
            month = months.firstIndex(of: parts[1]).map { $0 + 1 }
            year = parts[2].count == 2 ? (yy < 70 ? 2000 + yy : 1900 + yy) : yy
            time = words[2]
        case 5:
            // asctime: weekday, month, day, time, year.
            month = months.firstIndex(of: words[1]).map { $0 + 1 }
            day = Int(words[2])
            time = words[3]
            year = Int64(words[4])
        default:
            return nil
        }
        guard let day, let month, let year, let time, (1...31).contains(day) else { return nil }
        let hms = time.split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3, (0...23).contains(hms[0]), (0...59).contains(hms[1]), (0...60).contains(hms[2]) else {
            return nil
        }
        return days(year: year, month: month, day: day) * 86_400 + Int64(hms[0] * 3600 + hms[1] * 60 + hms[2])
    }
}
