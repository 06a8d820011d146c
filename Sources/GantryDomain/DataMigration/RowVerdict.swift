/// What validation made of one source record.
public enum RowVerdict: Sendable, Hashable {
    /// The record's values in `ImportEntity.fields` order, normalised; nil for absent.
    case accepted([String?])
    /// The record cannot be loaded: the column as the file spells it (nil when the whole record is
    /// malformed), the reason, and the external id when it had a readable one.
    case rejected(column: String?, reason: String, externalID: String?)
}
