/// Collects rows for `COPY ... FROM STDIN` in PostgreSQL's text format.
///
/// Fields are tab-separated and rows newline-terminated; backslash, tab, newline and carriage return inside
/// a value are escaped, and `nil` is written as `\N` (SQL NULL), so any string value arrives intact.
public struct PostgresCopyWriter: Sendable {
    private(set) var buffer: [UInt8] = []
    /// Rows appended so far.
    public private(set) var rowCount = 0

    public init() {}

    /// Appends one row; each element is one column, `nil` for NULL.
    public mutating func append(row values: [String?]) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard let value else {
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(UInt8(ascii: "N"))
                continue
            }
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(UInt8(ascii: "\n"))
        rowCount += 1
    }

    /// Appends bytes exactly as given, for a COPY whose format the caller produces itself (for
    /// example `FORMAT csv` with the file's own bytes). Rows are not counted.
    public mutating func append(raw bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// Appends one row of already-text values (for example `String(describing:)` of numbers).
    public mutating func append(row values: String?...) {
        append(row: values)
    }
}
