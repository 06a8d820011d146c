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
