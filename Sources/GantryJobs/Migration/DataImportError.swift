/// Why a file cannot be imported at all (a single bad row is rejected instead, with its reason).
public struct DataImportError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// Not UTF-8.
        public static let notUTF8 = Code(name: "notUTF8")
        /// No header record, or a quote that never closes.
        public static let malformedFile = Code(name: "malformedFile")
        /// The header lacks a required column of the entity's mapping, or names one twice.
        public static let mapping = Code(name: "mapping")
        /// Batch size out of range, or an unknown project.
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
