import Foundation
import GantryCore
import Testing

@Suite("JSON parsing")
struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test
    func parsesEveryKindOfValue() throws {
        #expect(try parse(#" { "a" : [1, -2, 3.5, -0.25e2, true, false, null, "x"], "b": {} , "c": [] } "#)
            == ["a": [1, -2, 3.5, -25.0, true, false, nil, "x"], "b": [:], "c": []])
        #expect(try parse("9223372036854775807") == .integer(Int64.max))
        #expect(try parse("-9223372036854775808") == .integer(Int64.min))
        #expect(try parse("9223372036854775808") == .number(9223372036854775808))
    }

    @Test
    func decodesEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""q\" b\\ s\/ \b\f\n\r\t \u00e9 \ud83d\ude80""#) == .string("q\" b\\ s/ \u{8}\u{c}\n\r\t é 🚀"))
    }

    @Test
    func roundTripsWhatItWrites() throws {
        let value: JSONValue = ["text": "line\nbreak \"quoted\" \u{1} ☃", "n": [1, 2.5, nil], "deep": ["x": ["y": true]]]
        #expect(try JSONValue.parse(value.jsonBytes) == value)
        let foundation = try JSONSerialization.jsonObject(with: Data(value.jsonBytes)) as? [String: Any]
        #expect(foundation?["text"] as? String == "line\nbreak \"quoted\" \u{1} ☃")
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "1.", "-", "1e", "tru", "\"unterminated",
        "\"bad \\x escape\"", "\"\\ud800 alone\"", "\"tab\tinside\"", "[1] 2", "{\"a\" 1}",
    ])
    func refusesMalformedInputWithAReason(_ text: String) {
        let error = #expect(throws: GantryError.self) { _ = try parse(text) }
        #expect(error?.code == .invalidPayload)
        #expect(error?.message.contains("at byte") == true)
    }

    @Test
    func refusesInvalidUTF8AndRunawayNesting() {
        #expect(throws: GantryError.self) { _ = try JSONValue.parse([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: GantryError.self) { _ = try parse(deep) }
    }
}
