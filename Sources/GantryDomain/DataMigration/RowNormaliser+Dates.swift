/// Dates and timestamps as legacy exports write them, normalised to ISO 8601.
///
/// Every profile accepts every form: a client's export from one CRM often passed through a
/// spreadsheet on a Chinese or a Western desktop before it reached us. Only year-first forms are
/// read; `3/5/2024` is March or May depending on who wrote it, so it is refused, never guessed.
extension RowNormaliser {
    /// A calendar day: `2024-03-05`, `2024/3/5`, `2024.3.5` (one separator, month and day of one
    /// or two digits) or `2024年3月5日` (日 or 号 optional, spaces around the units allowed).
    static func date(_ raw: String) -> Result<String, Reason> {
        let scalars = Array(raw.unicodeScalars)
        guard let (day, end) = parseDate(scalars), end == scalars.count else {
            return .failure(Reason("'\(raw)' is not a date (YYYY-MM-DD, YYYY/M/D or YYYY年M月D日 expected)"))
        }
        return .success(formatDate(day.year, day.month, day.day))
    }

    /// A date, then optionally `T` or a space and `H:MM[:SS[.fff]]`, then optionally `Z` or
    /// `±HH[:]MM`; normalised to `YYYY-MM-DDTHH:MM:SS±HH:MM`. Without an offset the time is in
    /// `defaultOffset` (the profile's: UTC, or China Standard Time for Fxiaoke); a date alone is
    /// its midnight there.
    static func timestamp(_ raw: String, defaultOffset: String = "+00:00") -> Result<String, Reason> {
        let s = Array(raw.unicodeScalars)
        let invalid = Result<String, Reason>.failure(
            Reason("'\(raw)' is not a timestamp (YYYY-MM-DD HH:MM[:SS] with an optional offset expected)"))
        guard let (date, dateEnd) = parseDate(s) else { return invalid }
        var i = dateEnd
        func digits(_ widths: ClosedRange<Int>) -> Int? {
            var value = 0
            var count = 0
            while i < s.count, count < widths.upperBound, let digit = digitValue(s[i]) {
                value = value * 10 + digit
                count += 1
                i += 1
            }
            return count >= widths.lowerBound ? value : nil
        }
        var hour = 0, minute = 0, second = 0
        var offset = defaultOffset
        if i < s.count {
            guard s[i] == "T" || s[i] == " " else { return invalid }
            i += 1
            guard let h = digits(1...2), i < s.count, s[i] == ":" else { return invalid }
            i += 1
            guard let m = digits(2...2), h < 24, m < 60 else { return invalid }
            hour = h
            minute = m
            if i < s.count, s[i] == ":" {
                i += 1
                guard let sec = digits(2...2), sec < 60 else { return invalid }
                second = sec
                if i < s.count, s[i] == "." {
                    i += 1
                    while i < s.count, digitValue(s[i]) != nil { i += 1 }
                }
            }
            if i < s.count {
                if s[i] == "Z" && i == s.count - 1 {
                    offset = "+00:00"
                    i += 1
                } else if s[i] == "+" || s[i] == "-" {
                    let sign = s[i]
                    i += 1
                    guard let oh = digits(2...2), oh <= 14 else { return invalid }
                    if i < s.count, s[i] == ":" { i += 1 }
                    guard let om = digits(2...2), om < 60 else { return invalid }
                    offset = "\(sign)\(pad(oh)):\(pad(om))"
                } else {
                    return invalid
                }
            }
            guard i == s.count else { return invalid }
        }
        return .success("\(formatDate(date.year, date.month, date.day))T\(pad(hour)):\(pad(minute)):\(pad(second))\(offset)")
    }

    /// A real calendar day at the start of `s`, and the index just after it.
    private static func parseDate(_ s: [Unicode.Scalar]) -> ((year: Int, month: Int, day: Int), Int)? {
        var i = 0
        func number(_ widths: ClosedRange<Int>) -> Int? {
            var value = 0
            var count = 0
            while i < s.count, count < widths.upperBound, let digit = digitValue(s[i]) {
                value = value * 10 + digit
                count += 1
                i += 1
            }
            // A third digit after a one-or-two-digit month or day is not a date.
            if count == widths.upperBound, i < s.count, digitValue(s[i]) != nil { return nil }
            return count >= widths.lowerBound ? value : nil
        }
        func unit(_ scalar: Unicode.Scalar) -> Bool {
            var j = i
            while j < s.count, s[j] == " " { j += 1 }
            guard j < s.count, s[j] == scalar else { return false }
            j += 1
            while j < s.count, s[j] == " " { j += 1 }
            i = j
            return true
        }
        guard let year = number(4...4), i < s.count else { return nil }
        let month: Int
        let day: Int
        if unit("年") {
            guard let m = number(1...2), unit("月"), let d = number(1...2) else { return nil }
            month = m
            day = d
            // The day's unit is often left out in spreadsheets; a time may follow it directly.
            var j = i
            while j < s.count, s[j] == " " { j += 1 }
            if j < s.count, s[j] == "日" || s[j] == "号" { i = j + 1 }
        } else {
            let separator = s[i]
            guard separator == "-" || separator == "/" || separator == "." else { return nil }
            i += 1
            guard let m = number(1...2), i < s.count, s[i] == separator else { return nil }
            i += 1
            guard let d = number(1...2) else { return nil }
            month = m
            day = d
        }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return ((year, month, day), i)
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        (0x30...0x39).contains(scalar.value) ? Int(scalar.value - 0x30) : nil
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func formatDate(_ year: Int, _ month: Int, _ day: Int) -> String {
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + pad(month) + "-" + pad(day)
    }
}
