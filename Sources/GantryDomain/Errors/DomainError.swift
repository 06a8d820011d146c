/// The error of the pure domain: a stable code for programs, a message for people, and the field at
/// fault as a JSON path (`phases[2].max`), so the job handler can dead-letter a payload with a reason
/// a person can act on instead of a generic decoding failure.
public struct DomainError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A value is present but wrong (negative, min > max, not finite…).
        public static let invalidValue = Code("invalid_value")
        /// A number is outside the range the engine accepts (trials 0 or above 10^7…).
        public static let outOfRange = Code("out_of_range")
        /// A name that is not one of the documented choices (distribution, phase, factor level).
        public static let unknownName = Code("unknown_name")
        /// A required field is absent.
        public static let missingField = Code("missing_field")
        /// A field that the schema does not know: rejected so typos (`trails`) are not silently ignored.
        public static let unknownField = Code("unknown_field")
        /// The same phase appears twice.
        public static let duplicate = Code("duplicate")
        /// The JSON itself is malformed or a value has the wrong type.
        public static let malformed = Code("malformed")
        /// Calibration was given too little history to fit anything.
        public static let insufficientHistory = Code("insufficient_history")
    }

    public var code: Code
    public var message: String
    /// The input field at fault as a JSON path such as `phases[2].max`; empty for the whole input.
    public var field: String

    public init(_ code: Code, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "\(code): \(message)" : "\(code): \(field): \(message)"
    }
}
