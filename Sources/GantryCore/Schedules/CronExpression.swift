import FoundationEssentials

/// A cron expression: when a schedule fires, in a schedule's own time zone.
///
/// Five fields, `minute hour day-of-month month day-of-week`, each `*`, a number, a name
/// (`JAN`–`DEC`, `SUN`–`SAT`, any case), a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from `a` to
/// the field's end), or a comma-separated list of those; day-of-week 0 and 7 are both Sunday. Or a
/// macro: `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`.
///
/// An optional sixth field in front, `second`, makes firings more frequent than once a minute (as
/// Quartz, Spring and most job schedulers allow); the five-field form fires at second 0. Gantry's
/// own tests use it to see several firings in a few seconds.
///
/// Day-of-month and day-of-week follow Vixie cron, which every cron user has learnt: when both are
/// restricted (neither starts with `*`), a day matches when *either* matches (`0 0 1,15 * MON` is the
/// 1st, the 15th and every Monday); otherwise both must.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text as given (trimmed).
    public let source: String
    /// Whether the expression has the optional seconds field.
    public let hasSeconds: Bool
    let seconds: UInt64
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    let daysOfWeek: UInt64
    let dayOfMonthStar: Bool
    let dayOfWeekStar: Bool

    public var description: String { source }

    private struct Field {
        let name: String
        let range: ClosedRange<Int>
        let names: [String: Int]
    }

    private static let secondField = Field(name: "second", range: 0...59, names: [:])
    private static let minuteField = Field(name: "minute", range: 0...59, names: [:])
    private static let hourField = Field(name: "hour", range: 0...23, names: [:])
    private static let dayOfMonthField = Field(name: "day-of-month", range: 1...31, names: [:])
    private static let monthField = Field(
        name: "month", range: 1...12,
        names: [
            "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10,
            "NOV": 11, "DEC": 12,
        ])
    // 7 is accepted and folded onto 0 (both Sunday).
    private static let dayOfWeekField = Field(
        name: "day-of-week", range: 0...7, names: ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6])

    private static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses `text`; the error names the field and the piece at fault.
    public init(_ text: String) throws(CronExpressionError) {
        let trimmed = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !trimmed.isEmpty else { throw CronExpressionError(.empty, "a cron expression is empty") }
        var body = trimmed
        if trimmed.hasPrefix("@") {
            guard let expanded = Self.macros[trimmed.lowercased()] else {
                throw CronExpressionError(
                    .unknownMacro,
                    "'\(trimmed)' is not a macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
            }
            body = expanded
        }
        let parts = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 || parts.count == 6 else {
            throw CronExpressionError(
                .fieldCount,
                "expected 5 fields (minute hour day-of-month month day-of-week), or 6 with a seconds field first; found \(parts.count) in '\(trimmed)'"
            )
        }
        let fields = parts.count == 6 ? parts : ["0"] + parts
        source = trimmed
        hasSeconds = parts.count == 6
        seconds = try Self.parse(fields[0], Self.secondField).bits
        minutes = try Self.parse(fields[1], Self.minuteField).bits
        hours = try Self.parse(fields[2], Self.hourField).bits
        let dom = try Self.parse(fields[3], Self.dayOfMonthField)
        months = try Self.parse(fields[4], Self.monthField).bits
        let dow = try Self.parse(fields[5], Self.dayOfWeekField)
        daysOfMonth = dom.bits
        dayOfMonthStar = dom.star
        // Sunday may be written 7: fold bit 7 onto bit 0.
        daysOfWeek = (dow.bits & 0x7F) | (dow.bits >> 7 & 1)
        dayOfWeekStar = dow.star
    }

    /// One field's allowed values as a bit set, and whether it starts with `*` (the Vixie rule).
    private static func parse(_ text: String, _ field: Field) throws(CronExpressionError) -> (bits: UInt64, star: Bool) {
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else {
                throw CronExpressionError(.invalidValue, "\(field.name): empty item in '\(text)'", field: field.name)
            }
            let stepParts = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            var step = 1
            if stepParts.count == 2 {
                guard let n = Int(stepParts[1]), n >= 1, n <= field.range.upperBound else {
                    throw CronExpressionError(
                        .invalidStep,
                        "\(field.name): step '\(stepParts[1])' in '\(item)' must be a whole number from 1 to \(field.range.upperBound)",
                        field: field.name)
                }
                step = n
            }
            let base = stepParts[0]
            let low: Int
            let high: Int
            if base == "*" {
                (low, high) = (field.range.lowerBound, field.range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                low = try value(String(base[..<dash]), field, item)
                high = try value(String(base[base.index(after: dash)...]), field, item)
                guard low <= high else {
                    throw CronExpressionError(
                        .invalidRange, "\(field.name): range '\(base)' starts after it ends", field: field.name)
                }
            } else {
                low = try value(base, field, item)
                // `a/n` runs from a to the field's end, as in Vixie cron.
                high = stepParts.count == 2 ? field.range.upperBound : low
            }
            var v = low
            while v <= high {
                bits |= 1 << UInt64(v)
                v += step
            }
        }
        return (bits, text.hasPrefix("*"))
    }

    private static func value(_ text: String, _ field: Field, _ item: String) throws(CronExpressionError) -> Int {
        if let n = Int(text) {
            guard field.range.contains(n) else {
                throw CronExpressionError(
                    .outOfRange,
                    "\(field.name): \(n) is outside \(field.range.lowerBound)-\(field.range.upperBound)", field: field.name)
            }
            return n
        }
        if let n = field.names[text.uppercased()] { return n }
        let known = field.names.isEmpty ? "" : " or a name (\(field.names.sorted { $0.value < $1.value }.map(\.key).joined(separator: ", ")))"
        throw CronExpressionError(
            .invalidValue,
            "\(field.name): '\(text)' in '\(item)' is not a number from \(field.range.lowerBound) to \(field.range.upperBound)\(known)",
            field: field.name)
    }

    /// Loads an IANA zone (`Asia/Shanghai`, `UTC`), or says that this host does not know it.
    public static func timeZone(named name: String) throws(CronExpressionError) -> TimeZone {
        guard !name.isEmpty, let zone = TimeZone(identifier: name) else {
            throw CronExpressionError(.unknownTimeZone, "'\(name)' is not a time zone this host knows (an IANA name such as Europe/Berlin)")
        }
        return zone
    }

    /// Whether a civil day matches the day fields (the Vixie rule: OR when both are restricted).
    func matches(dayOfMonth: Int, month: Int, weekday: Int) -> Bool {
        guard months & (1 << UInt64(month)) != 0 else { return false }
        let dom = daysOfMonth & (1 << UInt64(dayOfMonth)) != 0
        let dow = daysOfWeek & (1 << UInt64(weekday)) != 0
        return dayOfMonthStar || dayOfWeekStar ? dom && dow : dom || dow
    }

    /// The first firing strictly after `date`, in `zone`, or nil when there is none within eight
    /// years (`0 0 30 2 *`, February 30th).
    ///
    /// Local times are what the expression names, so daylight saving time is handled as people
    /// expect: a local time that does not exist (the hour skipped in spring) fires once, at the
    /// first instant after the gap (02:30 in New York on the spring-forward day fires at 03:00
    /// EDT); a local time that happens twice (the hour repeated in autumn) fires once, at its first
    /// occurrence.
    public func nextFiring(after date: Date, in zone: TimeZone) -> Date? {
        let t = date.timeIntervalSince1970
        guard t.isFinite, abs(t) < 1e13 else { return nil }
        let tSeconds = Int64(t.rounded(.down))
        // Candidates are local times at or after the local time of `date`: an earlier local time
        // either resolves to an instant at or before `date` or, being repeated, counts only at its
        // first occurrence, which is before `date` too.
        let startLocal = tSeconds + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(tSeconds))))
        let startDay = Self.floorDiv(startLocal, 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let hourList = Self.members(hours, 0...23)
        let minuteList = Self.members(minutes, 0...59)
        let secondList = Self.members(seconds, 0...59)
        for day in startDay...(startDay + 8 * 366) {
            let c = calendar.dateComponents([.month, .day, .weekday], from: Date(timeIntervalSince1970: Double(day * 86_400)))
            guard let month = c.month, let dom = c.day, let weekday = c.weekday,
                matches(dayOfMonth: dom, month: month, weekday: weekday - 1)
            else { continue }
            let dayStart = day * 86_400
            for h in hourList {
                if dayStart + Int64(h) * 3_600 + 3_599 < startLocal { continue }
                for m in minuteList {
                    let minuteStart = dayStart + Int64(h) * 3_600 + Int64(m) * 60
                    if minuteStart + 59 < startLocal { continue }
                    for s in secondList {
                        let local = minuteStart + Int64(s)
                        if local < startLocal { continue }
                        let instant = Self.resolve(local: local, in: zone)
                        if Double(instant) > t { return Date(timeIntervalSince1970: Double(instant)) }
                    }
                }
            }
        }
        return nil
    }

    /// The instant (Unix seconds) at which a local time `local` (seconds since 1970-01-01T00:00 of
    /// the zone's wall clock) first happens, or the end of the gap when it never happens.
    static func resolve(local: Int64, in zone: TimeZone) -> Int64 {
        func offset(_ instant: Int64) -> Int64 { Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))) }
        // Every zone's offset is within -12 h and +14 h, so the instant lies within 14 h of `local`;
        // zones change offset at most once in such a window.
        let before = offset(local - 14 * 3_600)
        let after = offset(local + 14 * 3_600)
        var valid: [Int64] = []
        for o in Set([before, after]) {
            let instant = local - o
            if offset(instant) == o { valid.append(instant) }
        }
        if let first = valid.min() { return first }
        // A gap: the clock jumped from `before` to `after` over this local time. The first instant
        // with the new offset is the transition, the first valid instant after the gap.
        var low = local - max(before, after)
        var high = local - min(before, after)
        while low < high {
            let mid = low + (high - low) / 2
            if offset(mid) == after { high = mid } else { low = mid + 1 }
        }
        return low
    }

    private static func members(_ bits: UInt64, _ range: ClosedRange<Int>) -> [Int] {
        range.filter { bits & (1 << UInt64($0)) != 0 }
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
