import GantryErrors

/// A schedule the store cannot take or read back.
public struct ScheduleStoreError: CodedError, Hashable {
    public typealias Code = ErrorCode<ScheduleStoreError>

    public var code: Code
    public var message: String
    public var schedule: String?
    public var field: String?

    public init(_ code: Code, schedule: String? = nil, field: String? = nil, message: String) {
        self.code = code
        self.schedule = schedule
        self.field = field
        self.message = message
    }

    public var context: [(label: String, value: String?)] { [("schedule", schedule), ("field", field)] }
}

extension ErrorCode where Owner == ScheduleStoreError {
    /// The definition fails its checks (`field` says which).
    public static var invalidDefinition: Self { "invalidDefinition" }
    /// A row that does not decode (a hand-edited cron, an unknown zone).
    public static var corruptRow: Self { "corruptRow" }
}
