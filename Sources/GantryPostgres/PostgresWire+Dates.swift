import FoundationEssentials

/// Dates on the wire: the epoch of binary timestamps, and the text form PostgreSQL prints.
extension PostgresWire {
    /// 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix seconds (`daysFromCivil(2000, 1, 1)` days).
    static let postgresEpoch: TimeInterval = 946_684_800

    /// Parses ISO output of `timestamptz`, `timestamp` and `date`:
    /// `YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH[:MM[:SS]]][ BC]`, plus `infinity` / `-infinity`.
    static func parseTimestamp(_ bytes: [UInt8]) -> Date? {
        switch String(decoding: bytes, as: UTF8.self) {
        case "infinity": return .distantFuture
        case "-infinity": return .distantPast
        default: break
        }
        var index = 0
        func number(maxDigits: Int = 2, minDigits: Int = 2) -> Int? {
            var value = 0
            var count = 0
            while index < bytes.count, count < maxDigits, bytes[index] &- UInt8(ascii: "0") < 10 {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
                count += 1
            }
            return count >= minDigits ? value : nil
        }
        func expect(_ c: Character) -> Bool {
            guard index < bytes.count, bytes[index] == c.asciiValue else { return false }
            index += 1
            return true
        }
        guard var year = number(maxDigits: 9, minDigits: 4), expect("-"), let month = number(), expect("-"),
            let day = number()
        else { return nil }
        var seconds = 0
        var fraction = 0.0
        var offset = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "T"),
            index + 1 < bytes.count, bytes[index + 1] &- UInt8(ascii: "0") < 10
        {
            index += 1
            guard let hour = number(), expect(":"), let minute = number(), expect(":"), let second = number() else {
                return nil
            }
            seconds = hour * 3600 + minute * 60 + second
            if expect(".") {
                var scale = 0.1
                while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                    fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    index += 1
                }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let hours = number() else { return nil }
                var total = hours * 3600
                if expect(":") {
                    guard let minutes = number() else { return nil }
                    total += minutes * 60
                    if expect(":") {
                        guard let secs = number() else { return nil }
                        total += secs
                    }
                }
                offset = sign * total
            }
        }
        if index + 3 == bytes.count, String(decoding: bytes[index...], as: UTF8.self) == " BC" {
            year = 1 - year
            index += 3
        }
        guard index == bytes.count, (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let unixSeconds = days * 86_400 + seconds - offset
        return Date(timeIntervalSince1970: TimeInterval(unixSeconds) + fraction)
    }

    /// Days since 1970-01-01 of a date in the proleptic Gregorian calendar, for any year (0 is 1 BC).
    ///
    /// Howard Hinnant's `days_from_civil`. The year is taken to start on 1 March, so the leap day is the
    /// last day of its year and the month lengths before it never change; the calendar repeats every 400
    /// years (an *era* of 146,097 days), so only the year within its era needs counting. 719,468 is the
    /// number of days from 0000-03-01, where era 0 starts, to 1970-01-01. GantryPostgres stays below the
    /// domain modules, so this is its own copy, and the only one in the clients.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year  // January and February belong to the year before
        let era = (y >= 0 ? y : y - 399) / 400  // rounds down for negative years too
        let yearOfEra = y - era * 400  // 0...399
        // Days since 1 March: 153 days per five months (31, 30, 31, 30, 31), March counted as month 0.
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear  // 0...146096
        return era * 146_097 + dayOfEra - 719_468
    }
}
