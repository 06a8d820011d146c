/// `Retry-After` (RFC 9110 section 10.2.3): either delay-seconds or an HTTP date.
///
/// Receivers send it with 429, 503 and sometimes 502/504; Standard Webhooks asks senders to honour
/// it. A date in the past means "now"; anything unparseable is ignored (the sender's own backoff
/// applies), since a malformed header must not stall deliveries.
public enum RetryAfter {
    /// The longest delay taken from a header: a day. A receiver asking for longer is treated as
    /// asking for a day, and the queue's own backoff continues from there.
    public static let maximumMs: Int64 = 24 * 3600 * 1000

    /// Milliseconds to wait, or nil when the header is absent or unparseable.
    public static func delayMs(_ header: String?, nowSeconds: Int64) -> Int64? {
        guard let raw = header else { return nil }
        let text = raw.trimmingASCIISpaces()
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Delay-seconds: digits only; a value too large for Int64 is simply "very long".
            guard let seconds = Int64(text) else { return maximumMs }
            return min(seconds, maximumMs / 1000) * 1000
        }
        guard let date = HTTPDate.parse(text) else { return nil }
        return min(max(0, date - nowSeconds), maximumMs / 1000) * 1000
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
