/// A schedule that cannot be stored as declared: the field at fault and why.
public struct ScheduleDefinitionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "\(field): \(message)" }
}
