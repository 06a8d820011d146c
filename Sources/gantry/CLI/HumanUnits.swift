import FoundationEssentials
import Glibc

/// Durations, sizes and counts in the units people read, and durations parsed back from flags (`--delay 10m`).
enum HumanUnits {
    /// `850ms`, `12s`, `3m04s`, `2h05m`, `3d04h`.
    static func duration(seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        let value = max(0, seconds)
        if value < 1 { return "\(Int((value * 1000).rounded()))ms" }
        if value < 10 { return Text.format("%.1fs", value) }
        let s = Int(value.rounded(.down))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return Text.format("%dm%02ds", s / 60, s % 60) }
        if s < 86_400 { return Text.format("%dh%02dm", s / 3600, s % 3600 / 60) }
        return Text.format("%dd%02dh", s / 86_400, s % 86_400 / 3600)
    }

    /// `512 B`, `1.5 KiB`, `20 MiB`.
    static func size(bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(max(0, bytes))
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        // The number through printf, the unit by Swift: a Swift String is no C string for `%s`.
        return (value < 10 ? Text.format("%.1f", value) : Text.format("%.0f", value)) + " " + units[unit]
    }

    /// `10,000`.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// A rate per second as people read it: `1,234/s`, `0.5/s`.
    static func rate(_ perSecond: Double) -> String {
        guard perSecond.isFinite, perSecond > 0 else { return "0/s" }
        return perSecond < 10 ? Text.format("%.1f/s", perSecond) : count(Int(perSecond.rounded())) + "/s"
    }

    /// `90`, `90s`, `10m`, `2h`, `1d`, `1h30m` → seconds; nil when it is not such a duration.
    static func parseDuration(_ text: String) -> Double? {
        let trimmed = text.trimmed.lowercased()
        guard !trimmed.isEmpty else { return nil }
        if let plain = Double(trimmed) { return plain >= 0 && plain.isFinite ? plain : nil }
        var total = 0.0
        var number = ""
        var index = trimmed.startIndex
        while index < trimmed.endIndex {
            let c = trimmed[index]
            if c.isNumber || c == "." {
                number.append(c)
                index = trimmed.index(after: index)
                continue
            }
            var unit = String(c)
            index = trimmed.index(after: index)
            if unit == "m", index < trimmed.endIndex, trimmed[index] == "s" {
                unit = "ms"
                index = trimmed.index(after: index)
            }
            guard let n = Double(number), n >= 0 else { return nil }
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "d": scale = 86_400
            default: return nil
            }
            total += n * scale
            number = ""
        }
        guard number.isEmpty, total.isFinite else { return nil }
        return total
    }

    /// An ISO 8601 time (`2025-12-01T15:00:00Z`, with an offset or fractional seconds); nil when it is not one.
    static func parseTime(_ text: String) -> Date? {
        let trimmed = text.trimmed
        if let date = try? Date(trimmed, strategy: .iso8601) { return date }
        return try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `3m04s ago` or `in 3m04s` relative to now.
    static func relative(_ date: Date, now: Date = Date()) -> String {
        let delta = now.timeIntervalSince(date)
        return delta >= 0 ? duration(seconds: delta) + " ago" : "in " + duration(seconds: -delta)
    }

    /// The local time of day, `14:05:09`, for a refreshing screen's heading.
    static func wallClock() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return Text.format("%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
