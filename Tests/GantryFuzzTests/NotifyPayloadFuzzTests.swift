import GantryCore
@testable import GantryJobs
import PropertyBased
import Testing

/// `notify.send` payloads, random and hostile, through the handler's own validation: a clear refusal
/// naming a field, or a request none of whose strings carries a character PostgreSQL refuses.
@Suite struct NotifyPayloadFuzzTests {
    static let textPieces: [String] = [
        "phase-1-done", "a", "É", "😀", " ", "\t", "\n", "\r", "\u{0}", "\u{1}", "\u{1B}", "\u{1F}", "\u{7F}", "\u{85}",
        "\u{2028}", "\u{FEFF}", "<>", "\"", "\\", "@", "pm@client.example", "x@y.z", String(repeating: "z", count: 210),
    ]
    static let texts = Gen.int(in: 0...(textPieces.count - 1)).array(of: 0...4).map { $0.map { textPieces[$0] }.joined() }

    /// A payload: each field present or not, as a string of random pieces or of another type.
    static let payloads = zip(texts.array(of: 8), Gen.int(in: 0...255)).map { texts, shape -> [String: JSONValue] in
        func pick(_ bit: Int, _ value: JSONValue) -> JSONValue? { shape & (1 << bit) == 0 ? value : nil }
        var event: [String: JSONValue] = [:]
        event["id"] = pick(0, .string(texts[0]))
        event["type"] = shape & 2 == 0 ? "phase_changed" : .string(texts[1])
        event["subject"] = pick(2, .string(texts[2]))
        event["data"] = pick(3, .object([texts[3]: .string(texts[4]), "list": .array([.string(texts[5]), .integer(1)])]))
        var payload: [String: JSONValue] = ["event": .object(event)]
        payload["project_id"] = shape & 16 == 0 ? "0193a4be-6c55-7c3e-9d2b-5b3f4a7e8c21" : .string(texts[6])
        payload["recipients"] = pick(5, .array([["email": .string(texts[7])]]))
        if shape & 64 != 0 { payload["event"] = .string(texts[0]) }
        return payload
    }

    static func strings(in value: JSONValue) -> [String] {
        switch value {
        case .string(let s): [s]
        case .array(let items): items.flatMap(strings(in:))
        case .object(let fields): fields.keys.map { $0 } + fields.values.flatMap(strings(in:))
        case .null, .bool, .integer, .number: []
        }
    }

    @Test
    func randomPayloadsAreRefusedNamingAFieldOrCarryNoControlCharacters() {
        seededCheck(seed: 0x0070_1F7, quick: 5_000, input: Self.payloads) { payload in
            do throws(JobError) {
                let request = try NotifyRequest(payload: payload)
                let stored = [request.event.id, request.event.type, request.event.subject]
                    + Self.strings(in: .object(request.event.data))
                    + (request.recipients ?? []).compactMap { if case .email(let a) = $0 { a } else { nil } }
                for text in stored where text.unicodeScalars.contains(where: { $0.value == 0 }) {
                    return "accepted a NUL: \(text.debugDescription)"
                }
                if request.event.id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    return "accepted a control character in event.id"
                }
                return nil
            } catch {
                guard error.disposition == .permanent, error.message.hasPrefix("invalid notify.send payload: ") else {
                    return "refused without naming a field: \(error)"
                }
                return error.message.unicodeScalars.contains { $0.value == 0 } ? "the refusal echoes a NUL" : nil
            }
        }
    }

    /// The review's inputs, kept: each is refused naming its field.
    @Test(arguments: [
        (["id": "phase\u{0}1"], "event.id"), (["subject": "done\u{0}"], "event.subject"),
        (["data": ["note": "a\u{0}b"]], "event.data.note"), (["data": ["k\u{0}": "v"]], "event.data"),
        (["id": "line\nbreak"], "event.id"), (["subject": "bell\u{7}"], "event.subject"),
    ] as [([String: JSONValue], String)])
    func reviewedPayloadsAreRefusedNamingTheField(event overrides: [String: JSONValue], field: String) {
        var event: [String: JSONValue] = ["id": "phase-1-done", "type": "phase_changed", "subject": "Done"]
        for (key, value) in overrides { event[key] = value }
        let payload: [String: JSONValue] = [
            "project_id": "0193a4be-6c55-7c3e-9d2b-5b3f4a7e8c21", "event": .object(event),
        ]
        do {
            _ = try NotifyRequest(payload: payload)
            Issue.record("accepted \(field)")
        } catch {
            #expect(error.disposition == .permanent && error.message.contains("\(field):"), "\(error.message)")
        }
    }
}
