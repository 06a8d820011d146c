import GantryErrors

/// Why a file's records cannot be read at all: the whole file is refused, with the line.
///
/// It prints as `code: message` with no context list: the message already names the line (and the
/// offset where it helps the reader), and the import's error reports quote it as is.
public struct CSVReadError: CodedError, Hashable {
    public typealias Code = ErrorCode<CSVReadError>

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
}

extension ErrorCode where Owner == CSVReadError {
    /// A quoted field never closes.
    public static var unclosedQuote: Self { "unclosedQuote" }
    /// A NUL byte: not text.
    public static var nul: Self { "nul" }
    /// Not UTF-8 (and, when the encoding was to be detected, not GB18030 either).
    public static var notUTF8: Self { "notUTF8" }
    /// GB18030 (or GBK) was named, and the bytes are not that.
    public static var notGB18030: Self { "notGB18030" }
}
