import GantryErrors

/// The error of the pure domain: a stable code for programs, a message for people, and the field at
/// fault as a JSON path (`phases[2].max`), so the job handler can dead-letter a payload with a reason
/// a person can act on instead of a generic decoding failure.
public struct DomainError: CodedError, Hashable {
    public typealias Code = ErrorCode<DomainError>

    public var code: Code
    public var message: String
    /// The input field at fault as a JSON path such as `phases[2].max`; empty for the whole input.
    public var field: String

    public init(_ code: Code, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var context: [(label: String, value: String?)] { [("field", field.isEmpty ? nil : field)] }

    /// `code: field: message`, not the shared `code: message (field …)`: dead-letter reasons and API
    /// answers stored before the errors were unified read this way, and people grep for them.
    public var description: String {
        field.isEmpty ? "\(code): \(message)" : "\(code): \(field): \(message)"
    }
}

extension ErrorCode where Owner == DomainError {
    /// The code's name, as `DomainError.Code` spelled it before it became an ``ErrorCode``.
    public var rawValue: String { name }

    /// A value is present but wrong (negative, min > max, not finite…).
    public static var invalidValue: Self { "invalid_value" }
    /// A number is outside the range the engine accepts (trials 0 or above 10^7…).
    public static var outOfRange: Self { "out_of_range" }
    /// A name that is not one of the documented choices (distribution, phase, factor level).
    public static var unknownName: Self { "unknown_name" }
    /// A required field is absent.
    public static var missingField: Self { "missing_field" }
    /// A field that the schema does not know: rejected so typos (`trails`) are not silently ignored.
    public static var unknownField: Self { "unknown_field" }
    /// The same phase appears twice.
    public static var duplicate: Self { "duplicate" }
    /// The JSON itself is malformed or a value has the wrong type.
    public static var malformed: Self { "malformed" }
    /// Calibration was given too little history to fit anything.
    public static var insufficientHistory: Self { "insufficient_history" }
}
