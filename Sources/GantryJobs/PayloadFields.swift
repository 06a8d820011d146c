import GantryCore

/// A handler's raw payload: the object's fields, undecoded. A kind whose request type checks the
/// payload itself (`EstimateRequest`, `ReportRequest`, `NotifyRequest`) takes this, so that a bad
/// payload fails with the field at fault rather than with a decoding error.
public struct PayloadFields: Decodable, Sendable {
    public var fields: [String: JSONValue]

    public init(fields: [String: JSONValue]) { self.fields = fields }

    public init(from decoder: any Decoder) throws {
        fields = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }
}
