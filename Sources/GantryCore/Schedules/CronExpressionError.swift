/// Why a cron expression or a schedule's time zone was refused, precisely enough for a person to fix
/// it: the field (`minute`, `day-of-week`) and the piece of text at fault.
public struct CronExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Nothing but white space.
        public static let empty = Code("empty")
        /// Not 5 fields (or 6 with seconds first).
        public static let fieldCount = Code("field_count")
        /// A value that is neither a number nor a name the field knows.
        public static let invalidValue = Code("invalid_value")
        /// A number outside the field's range (minute 0-59, month 1-12, ...).
        public static let outOfRange = Code("out_of_range")
        /// A range whose start is after its end (`5-2`).
        public static let invalidRange = Code("invalid_range")
        /// A step that is not a positive whole number (`*/0`).
        public static let invalidStep = Code("invalid_step")
        /// An `@` name that is not one of the macros.
        public static let unknownMacro = Code("unknown_macro")
        /// A time zone name that is not an IANA zone this host knows.
        public static let unknownTimeZone = Code("unknown_time_zone")
    }

    public var code: Code
    public var message: String
    /// The field at fault (`minute`, `hour`, `day-of-month`, `month`, `day-of-week`, `second`).
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(code): \(message)" }
}
