/// Why a file cannot be imported at all (a single bad row is rejected instead, with its reason).
public struct DataImportError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// Not UTF-8.
        public static let notUTF8 = Code(name: "notUTF8")
        /// No header record, a quote that never closes, or a header with a stray line break.
        public static let malformedFile = Code(name: "malformedFile")
        /// A NUL byte somewhere: not text (often a UTF-16 file); the message gives its line.
        public static let nulByte = Code(name: "nulByte")
        /// The header lacks a required column of the entity's mapping, or names one twice.
        public static let mapping = Code(name: "mapping")
        /// Batch size out of range, a control character in the file name, or an unknown project.
        public static let invalidRequest = Code(name: "invalidRequest")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
