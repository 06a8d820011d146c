/// The one reader of an import file's records: the planner cuts batches with it and each batch
/// parses its records with it, so the two can never disagree on where a record ends (they did
/// when the planner had its own splitter and the batches another library: rows were dropped or
/// batches failed for good).
///
/// The dialect is RFC 4180 plus what Excel and legacy CRMs write:
/// - **Line endings.** The header's line ending decides the file's: LF or CRLF (Unix, Windows) make
///   an "LF file", a CR alone (Excel's "CSV (Macintosh)", classic Mac OS) a "CR file". In both,
///   CRLF also ends a record, so files that mix LF and CRLF read as people expect. The other bare
///   character (a CR in an LF file, an LF in a CR file) outside quotes is a stray line break: it
///   stays in its field and the record carries a `problem`, so that row is rejected with the
///   reason instead of being split in two or run into its neighbour. A CR just before the end of
///   the file ends the last record in either kind of file.
/// - **Quotes.** A field that starts with `"` is quoted: it runs to the next `"` not doubled, and
///   may hold commas, quotes (`""`) and line breaks of any kind. A `"` anywhere else in a field
///   (`24"`, `5'11"`) is text, as Excel reads it. Text after a closing quote (`"a"b`) is kept and
///   the record carries a `problem`. A quote that never closes is a `CSVReadError`: it swallows the
///   rest of the file, so no row after it can be trusted.
/// - **Blank lines** outside quotes are not records.
/// - **NUL** anywhere is a `CSVReadError`: it is not text (PostgreSQL's text refuses it), and a file
///   full of them is usually UTF-16.
///
/// Fields are decoded as UTF-8 (callers check the file is UTF-8 first); delimiters are ASCII, so a
/// field never splits a character.
public struct CSVRecordReader: Sendable {
    public enum LineEnding: Sendable, Hashable {
        /// LF or CRLF ends a record.
        case lf
        /// CR or CRLF ends a record.
        case cr
    }

    public struct Record: Sendable, Hashable {
        public var fields: [String]
        /// The record's bytes without its line ending.
        public var content: Range<Int>
        /// The line the record starts on, counting every LF, CRLF and lone CR as one line break.
        public var line: Int
        /// Why the record cannot be trusted (a stray line break, text after a closing quote); nil
        /// when it read cleanly.
        public var problem: Problem?
    }

    /// The first thing wrong with a record, and the 0-based field it was found in.
    public struct Problem: Sendable, Hashable {
        public var field: Int
        public var reason: String
    }

    private let bytes: [UInt8]
    private var position = 0
    private var lineNumber = 1
    /// The file's line ending: given, or found at the end of the first record.
    public private(set) var lineEnding: LineEnding?
    /// Where the next record (or blank line) starts: after the last record's line ending.
    public var offset: Int { position }

    /// The canonical line ending to write after a record's `content` so that reading it again, with
    /// the same `lineEnding`, gives the same record: CRLF ends a record in both kinds of file.
    public static let recordTerminator: [UInt8] = [0x0D, 0x0A]

    public init(_ bytes: [UInt8], lineEnding: LineEnding? = nil) {
        self.bytes = bytes
        self.lineEnding = lineEnding
    }

    /// The next record, or nil at the end of the input.
    public mutating func next() throws(CSVReadError) -> Record? {
        let count = bytes.count
        // Blank lines between records are skipped (counted, for line numbers).
        while position < count, let length = terminatorLength(at: position) {
            position += length
            lineNumber += 1
        }
        guard position < count else { return nil }
        let start = position
        let startLine = lineNumber
        var fields: [String] = []
        var field: [UInt8] = []
        var fieldStart = true
        var quoted = false
        var afterClosingQuote = false
        var quoteLine = lineNumber
        var record = Record(fields: [], content: start..<start, line: startLine)

        func note(_ reason: String) {
            if record.problem == nil { record.problem = Problem(field: fields.count, reason: reason) }
        }

        while position < count {
            let byte = bytes[position]
            if byte == 0 {
                throw CSVReadError(
                    .nul, line: lineNumber, offset: position,
                    "line \(lineNumber) holds a NUL byte (offset \(position)): the file is not text; "
                        + "if it was saved as UTF-16 (\"Unicode text\"), save it as UTF-8 CSV")
            }
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if position + 1 < count && bytes[position + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        position += 2
                    } else {
                        quoted = false
                        afterClosingQuote = true
                        position += 1
                    }
                    continue
                }
                if byte == 0x0A || (byte == 0x0D && !(position + 1 < count && bytes[position + 1] == 0x0A)) {
                    lineNumber += 1
                }
                field.append(byte)
                position += 1
                continue
            }
            if byte == UInt8(ascii: ",") {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                fieldStart = true
                afterClosingQuote = false
                position += 1
                continue
            }
            if let length = terminatorLength(at: position) {
                record.content = start..<position
                position += length
                lineNumber += 1
                fields.append(String(decoding: field, as: UTF8.self))
                record.fields = fields
                return record
            }
            if byte == UInt8(ascii: "\"") && fieldStart {
                quoted = true
                quoteLine = lineNumber
                fieldStart = false
                position += 1
                continue
            }
            fieldStart = false
            if byte == 0x0A || byte == 0x0D {
                let name = byte == 0x0A ? "LF" : "CR"
                note(
                    "has a line break (\(name)) outside quotes, in a file whose lines end with "
                        + "\(lineEnding == .cr ? "CR" : "LF or CRLF"): quote fields that hold line breaks")
                // Not followed by LF: a CRLF here would have ended the record.
                lineNumber += 1
            } else if afterClosingQuote {
                note("has text after its closing quote (a quote inside a quoted field is written \"\")")
            }
            field.append(byte)
            position += 1
        }
        if quoted {
            throw CSVReadError(
                .unclosedQuote, line: quoteLine, offset: position,
                "a quoted field opened on line \(quoteLine) never closes (record from line \(startLine))")
        }
        record.content = start..<count
        fields.append(String(decoding: field, as: UTF8.self))
        record.fields = fields
        return record
    }

    /// The length of the line ending at `index` outside quotes (deciding the file's line ending on
    /// the first one), or nil when the byte there does not end a record.
    private mutating func terminatorLength(at index: Int) -> Int? {
        let byte = bytes[index]
        let crlf = byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A
        if crlf {
            if lineEnding == nil { lineEnding = .lf }
            return 2
        }
        switch (byte, lineEnding) {
        case (0x0A, nil):
            lineEnding = .lf
            return 1
        case (0x0D, nil):
            lineEnding = .cr
            return 1
        case (0x0A, .lf), (0x0D, .cr):
            return 1
        case (0x0D, .lf) where index + 1 == bytes.count:
            return 1
        default:
            return nil
        }
    }
}
