/// Why a file's records cannot be read at all: the whole file is refused, with the line.
public struct CSVReadError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// A quoted field never closes.
        public static let unclosedQuote = Code(name: "unclosedQuote")
        /// A NUL byte: not text.
        public static let nul = Code(name: "nul")
    }

    public var code: Code
    /// 1-based line of the input.
    public var line: Int
    /// Byte offset in the input.
    public var offset: Int
    public var message: String

    public init(_ code: Code, line: Int, offset: Int, _ message: String) {
        self.code = code
        self.line = line
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
