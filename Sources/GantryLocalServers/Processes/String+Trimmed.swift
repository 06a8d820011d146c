extension StringProtocol {
    /// Without leading and trailing spaces and line breaks (what the tools print ends with a newline).
    var trimmedLines: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
