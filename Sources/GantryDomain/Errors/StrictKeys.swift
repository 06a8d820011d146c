/// Rejects keys a payload object does not define, naming the first one, so that a typo such as
/// `trails` for `trials` fails loudly instead of running 10,000 trials by default.
enum StrictKeys {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func check(_ decoder: any Decoder, allowed: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw DomainError(
                .unknownField, field: FieldPath.join(FieldPath.string(decoder.codingPath), key.stringValue),
                "unknown field; expected one of \(allowed.joined(separator: ", "))")
        }
    }
}

extension Decoder {
    /// The keyed container of a payload object whose fields are exactly `Key`'s cases: any other key
    /// is refused first (see ``StrictKeys``), so every object of the payload is read the same way.
    func strictContainer<Key: CodingKey & CaseIterable>(keyedBy _: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try StrictKeys.check(self, allowed: Key.allCases.map(\.stringValue))
        return try container(keyedBy: Key.self)
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or `fallback` when the payload leaves the field out: payload fields have
    /// defaults, so that `{}` is a complete request.
    func decode<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }

    /// The value at `key`, which the payload must give; without it the error names the field and says
    /// why it is needed (`DecodingError.keyNotFound` would name neither the way the payload's author
    /// wrote them).
    func decode<T: Decodable>(required key: Key, _ why: String) throws -> T {
        guard contains(key) else {
            throw DomainError(.missingField, field: FieldPath.join(FieldPath.string(codingPath), key.stringValue), why)
        }
        return try decode(T.self, forKey: key)
    }

    /// Levels the payload gives at `key` replace those of `table`; the others keep their value, so a
    /// payload may override one multiplier without restating the table.
    func merge<Level: Hashable & Decodable>(_ key: Key, into table: inout [Level: Double]) throws {
        table.merge(try decodeIfPresent([Level: Double].self, forKey: key) ?? [:]) { $1 }
    }
}
