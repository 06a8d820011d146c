/// The one rule for text that comes from outside and may reach PostgreSQL or a log: no NUL and no
/// other C0 control character (U+0000–U+001F, U+007F) except tab, line feed and carriage return.
///
/// PostgreSQL refuses NUL in `text`, `jsonb` and COPY outright, so one such byte in a job's ID, payload
/// or error text could otherwise fail a whole batch of history rows or a whole import; the other
/// controls are refused at the door because no CRM field or identifier means them, and they hide
/// in logs and terminals. Inputs are refused with the field (`firstControlCharacter`); texts the
/// system itself stores (error messages that quote input, results) are cleaned instead (`cleaned`).
public enum ControlCharacters {
    /// The first forbidden scalar in `text`, with its UTF-8 byte offset; nil when the text is clean.
    /// `allowLineBreaks: false` also forbids tab, LF and CR (identifiers, keys, names).
    public static func first(in text: String, allowLineBreaks: Bool = true) -> (scalar: Unicode.Scalar, offset: Int)? {
        var offset = 0
        for scalar in text.unicodeScalars {
            if isForbidden(scalar, allowLineBreaks: allowLineBreaks) { return (scalar, offset) }
            offset += UTF8.width(scalar)
        }
        return nil
    }

    public static func isForbidden(_ scalar: Unicode.Scalar, allowLineBreaks: Bool = true) -> Bool {
        let v = scalar.value
        guard v < 0x20 || v == 0x7F else { return false }
        if allowLineBreaks, v == 0x09 || v == 0x0A || v == 0x0D { return false }
        return true
    }

    /// `text` with every forbidden scalar replaced by U+FFFD, so it can always be stored; the text
    /// itself is returned (no copy) when it is already clean, which is the common case.
    public static func cleaned(_ text: String, allowLineBreaks: Bool = true) -> String {
        guard first(in: text, allowLineBreaks: allowLineBreaks) != nil else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(isForbidden(scalar, allowLineBreaks: allowLineBreaks) ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }

    /// How a forbidden scalar is named in an error message: `U+0000`.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
