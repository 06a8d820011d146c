import GantryCore
import Testing

@Suite("Payload schemas and kinds")
struct PayloadSchemaTests {
    let schema = PayloadSchema.object([
        .init("name", .string(minLength: 1, maxLength: 10)),
        .init("mode", .string(oneOf: ["fast", "full"]), required: false),
        .init("phases", .array(of: .object([.init("min", .number(0...100)), .init("max", .integer(1...10))]), minCount: 1)),
    ])

    @Test
    func validPayloadPasses() throws {
        try schema.validate(["name": "acme", "phases": [["min": 1.5, "max": 3]]])
    }

    static let phase: JSONValue = ["min": 1, "max": 2]
    static let invalidCases: [(JSONValue, String, String)] = [
        (["phases": [phase]], "name", "is required"),
        (["name": "", "phases": [phase]], "name", "at least 1"),
        (["name": "a", "mode": "slow", "phases": [phase]], "mode", "not one of"),
        (["name": "a", "phases": []], "phases", "at least 1"),
        (["name": "a", "phases": [phase, ["min": 1, "max": 20]]], "phases[1].max", "outside"),
        (["name": "a", "phases": [["min": "1", "max": 2]]], "phases[0].min", "expected a number"),
        (["name": "a", "phases": [["min": 1, "max": 2.5]]], "phases[0].max", "expected an integer"),
        (["name": "a", "extra": 1, "phases": [phase]], "extra", "not a known field"),
        ([], "$", "expected an object"),
    ]

    @Test(arguments: invalidCases)
    func invalidPayloadNamesTheFieldAndTheReason(payload: JSONValue, field: String, reason: String) {
        let error = #expect(throws: GantryError.self) { try schema.validate(payload) }
        #expect(error?.code == .invalidPayload)
        #expect(error?.field == field)
        #expect(error?.message.contains(reason) == true, "\(String(describing: error))")
    }

    @Test
    func registryRefusesUnknownKindsListingTheKnownOnes() {
        let error = #expect(throws: GantryError.self) { try JobKindRegistry.builtIn.validate(kind: "gantry.nope", payload: [:]) }
        #expect(error?.code == .unknownKind)
        #expect(error?.message.contains("gantry.noop, gantry.sleep") == true)
    }

    @Test
    func builtInSleepNeedsMilliseconds() throws {
        try JobKindRegistry.builtIn.validate(kind: "gantry.sleep", payload: ["ms": 10])
        try JobKindRegistry.builtIn.validate(kind: "gantry.noop", payload: ["anything": true])
        let error = #expect(throws: GantryError.self) { try JobKindRegistry.builtIn.validate(kind: "gantry.sleep", payload: [:]) }
        #expect(error?.field == "ms" && error?.kind == "gantry.sleep")
    }

    @Test
    func jsonParsingReportsSyntaxErrorsAsInvalidPayload() throws {
        #expect(try JSONValue.parse(Array(#"{"a":[1,2.5,"x",null,true]}"#.utf8)) == ["a": [1, 2.5, "x", .null, true]])
        let error = #expect(throws: GantryError.self) { _ = try JSONValue.parse(Array("{\"a\":".utf8)) }
        #expect(error?.code == .invalidPayload)
    }
}
