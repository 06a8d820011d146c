import GantryErrors

/// Why a file cannot be imported at all (a single bad row is rejected instead, with its reason).
public struct DataImportError: CodedError, Hashable {
    public typealias Code = ErrorCode<DataImportError>

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

extension ErrorCode where Owner == DataImportError {
    /// Not UTF-8 (nor GB18030, when the encoding was left to detection); the message gives the
    /// byte's offset and line.
    public static var notUTF8: Self { "notUTF8" }
    /// GB18030 or GBK was named and the file is not that; the message gives the byte's offset and line.
    public static var notGB18030: Self { "notGB18030" }
    /// No header record, a quote that never closes, or a header with a stray line break.
    public static var malformedFile: Self { "malformedFile" }
    /// A NUL byte somewhere: not text (often a UTF-16 file); the message gives its line.
    public static var nulByte: Self { "nulByte" }
    /// The header lacks a required column of the entity's mapping, or names one twice.
    public static var mapping: Self { "mapping" }
    /// Batch size out of range, a control character in the file name, or an unknown project.
    public static var invalidRequest: Self { "invalidRequest" }
}
