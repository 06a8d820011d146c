import FoundationEssentials

/// JSON for scripts: sorted keys, RFC 3339 dates, one document per call; indented only for a person at a terminal.
enum JSONOutput {
    static func string(_ value: some Encodable, pretty: Bool = Terminal.isTerminal(1)) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func print(_ value: some Encodable, pretty: Bool = Terminal.isTerminal(1)) throws {
        Text.writeStandardOutput(try string(value, pretty: pretty) + "\n")
    }
}
