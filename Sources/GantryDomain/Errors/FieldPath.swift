/// Turns a `Codable` coding path into the JSON path that ``DomainError/field`` carries:
/// `phases[2].distribution`, so errors name the field the way the payload's author wrote it.
enum FieldPath {
    static func string(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out
    }

    static func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : "\(base).\(key)" }
}

/// Decodes a closed set of names (phase, factor level, distribution) with an error that names the
/// field and lists the accepted values, instead of `DecodingError.dataCorrupted`.
enum NamedChoice {
    static func decode<T: RawRepresentable & CaseIterable>(_: T.Type, from decoder: any Decoder) throws -> T
    where T.RawValue == String {
        let container = try decoder.singleValueContainer()
        let path = FieldPath.string(decoder.codingPath)
        guard let raw = try? container.decode(String.self) else {
            throw DomainError(.malformed, field: path, "expected a string")
        }
        guard let value = T(rawValue: raw) else {
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw DomainError(.unknownName, field: path, "unknown value \"\(raw)\"; expected one of \(names)")
        }
        return value
    }

    static func parse<T: RawRepresentable & CaseIterable>(_: T.Type, _ raw: String, field: String) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: raw) else {
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw DomainError(.unknownName, field: field, "unknown value \"\(raw)\"; expected one of \(names)")
        }
        return value
    }
}
