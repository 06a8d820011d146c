/// Fixed-point text for numbers in reports and chart coordinates.
///
/// Reports must read the same on every machine and byte for byte on a re-render (their content is
/// hashed), so numbers are formatted here with integer arithmetic instead of a locale-aware formatter.
public enum ReportNumber {
    /// `value` rounded half away from zero to `digits` decimals (0–6): `fixed(2.345, 1)` is "2.3",
    /// `fixed(-0.04, 1)` is "0.0". Not-finite values read "–".
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "–" }
        let digits = Swift.min(Swift.max(digits, 0), 6)
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let magnitude = (Swift.abs(value) * Double(scale)).rounded()
        guard magnitude < 9e15 else { return value < 0 ? "-\(Swift.abs(value))" : "\(value)" }
        let scaled = Int(magnitude)
        let whole = String(scaled / scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return sign + whole }
        let fraction = String(scaled % scale)
        return sign + whole + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// A probability as a whole percentage: 0.804 → "80%".
    public static func percent(_ probability: Double) -> String {
        fixed(probability * 100, 0) + "%"
    }

    /// An instant as UTC `YYYY-MM-DDTHH:MM:SSZ`, from seconds since 1970 (fractions dropped).
    public static func utcTimestamp(secondsSince1970 seconds: Double) -> String {
        let total = Int((seconds.isFinite ? seconds : 0).rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let rest = total - days * 86_400
        func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(CalendarDay(dayNumber: days))T\(pad(rest / 3600)):\(pad(rest / 60 % 60)):\(pad(rest % 60))Z"
    }
}
