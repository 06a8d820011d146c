/// Text the notification tables accept: PostgreSQL's `text` refuses U+0000, so a receiver's answer
/// or a relay's reply that carries one would fail the write that records the attempt (and with it
/// the run). Other control characters are kept out of stored errors too: they are read in terminals.
public enum NotificationText {
    /// `text` with C0 controls and DEL (tab and line breaks kept) as U+FFFD.
    public static func storable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isRefused) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isRefused(scalar) ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    public static func storable(_ text: String?) -> String? { text.map { storable($0) } }

    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || scalar.value == 0x7F
    }
}
