/// A closed set of names written as strings in JSON: phase, factor level, distribution.
///
/// Decoding one names the field and lists the accepted values (`unknown value "weibull"; expected one
/// of pert, triangular, lognormal`) instead of throwing `DecodingError.dataCorrupted`; conforming is
/// all an enum does to get that error.
public protocol NamedChoice: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension NamedChoice {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let path = FieldPath.string(decoder.codingPath)
        guard let raw = try? container.decode(String.self) else {
            throw DomainError(.malformed, field: path, "expected a string")
        }
        try self.init(named: raw, field: path)
    }

    /// The case named `raw`, for names that arrive outside a decoder (dictionary keys such as
    /// `actuals.system_design`); an unknown name is the same error as in decoding.
    init(named raw: String, field: String) throws {
        guard let value = Self(rawValue: raw) else {
            let names = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DomainError(.unknownName, field: field, "unknown value \"\(raw)\"; expected one of \(names)")
        }
        self = value
    }
}
