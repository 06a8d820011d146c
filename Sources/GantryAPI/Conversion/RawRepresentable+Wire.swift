extension RawRepresentable where RawValue == String {
    /// The case of this enum that is spelled as `other` on the wire.
    ///
    /// The document's enums were written from the stores' raw values (`very_high`, `in_review`), so one conversion
    /// by spelling serves every pair instead of a switch per direction; `WireEnumTests` converts every case of each
    /// pair the API uses both ways, so a case added on one side only fails there, not here.
    init(wire other: some RawRepresentable<String>) {
        guard let same = Self(rawValue: other.rawValue) else {
            preconditionFailure("\(Self.self) has no case '\(other.rawValue)' of \(type(of: other))")
        }
        self = same
    }
}
