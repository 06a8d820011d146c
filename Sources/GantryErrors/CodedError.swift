/// The one shape of a Gantry error: a stable code, a message for people, and the context that
/// says exactly what was wrong (a line, a field, a reply code), so a log line or an API answer
/// can be precise without each error spelling out its own description.
public protocol CodedError: Error, Sendable, CustomStringConvertible {
    associatedtype Owner
    var code: ErrorCode<Owner> { get }
    var message: String { get }
    /// Labelled context for `description`, in order, e.g. `[("line", "\(line)"), ("field", field)]`;
    /// empty by default. Absent (`nil`) values are left out.
    var context: [(label: String, value: String?)] { get }
}

extension CodedError {
    public var context: [(label: String, value: String?)] { [] }

    /// `code: message (label value, label value)`.
    public var description: String {
        let details = context.compactMap { item in item.value.map { "\(item.label) \($0)" } }
        return "\(code): \(message)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
    }
}
