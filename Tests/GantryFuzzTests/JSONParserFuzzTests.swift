@testable import GantryCore
import PropertyBased
import Testing

/// `JSONParser` reads every envelope a worker leases and every payload the API receives: whatever
/// bytes arrive, it must answer with a value or a refusal that says why, and never trap.
@Suite("JSONParser fuzz")
struct JSONParserFuzzTests {
    /// Bytes from the JSON alphabet half of the time, so the parser gets past its first character.
    static let bytes: Generator<[UInt8], Shrink.None<[UInt8]>> = Generator { rng in
        let jsonAlphabet = Array("{}[]\",:-+.0123456789eEtrufalsn \t\r\n\\/u".utf8)
        let count = Int.random(in: 0...48, using: &rng)
        let fromAlphabet = Bool.random(using: &rng)
        return (0..<count).map { _ in
            fromAlphabet ? jsonAlphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
        }
    }

    @Test
    func randomBytesAreReadOrRefusedWithAReasonAndNeverTrap() {
        fuzz("JSONParser random bytes", seed: "Dc3G9DrlNhA9TFVhq0MUwPaOpRNy7piI1a3jYcyqxF4=", quick: 20_000,
             input: Self.bytes) { bytes, result in
            Self.checkParse(bytes, &result)
        }
    }

    @Test
    func randomValuesSurviveWriteThenParse() {
        fuzz("JSONParser round trip", seed: "nfPesVdR6Iec6t1JAsel2qrVugmbVO3T4lo+lt+iEo4=", quick: 5_000,
             input: FuzzJSON.values) { value, result in
            let bytes = value.jsonBytes
            do throws(JSONParser.Failure) {
                let parsed = try JSONParser.parse(bytes)
                result.expect(parsed == value, "parse(write(v)) is \(parsed), not v")
                result.expect(parsed.jsonBytes == bytes, "writing the parsed value gives other bytes")
            } catch {
                result.outcome = "refused"
                result.expect(false, "the parser refuses what the writer wrote (\(error.reason)): \(FuzzJSON.show(bytes))")
            }
        }
    }

    /// Valid documents with one defect each (a flipped, inserted or removed byte, a cut, a BOM, a NUL).
    @Test
    func mutatedDocumentsAreReadOrRefusedWithAReasonAndNeverTrap() {
        let input = Generator<[UInt8], Shrink.None<[UInt8]>> { rng in
            FuzzBytes.mutate(FuzzJSON.value(depth: 3, using: &rng).jsonBytes, using: &rng)
        }
        fuzz("JSONParser mutated documents", seed: "XUG1Chv87jbM0T5Eaedl/7sNWsteInzlD7kF6qDa9w0=", quick: 10_000,
             input: input) { bytes, result in
            Self.checkParse(bytes, &result)
        }
    }

    @Test
    func nestingIsReadUpToTheLimitAndRefusedPastItWithAReason() {
        let input = Generator<[Bool], Shrink.None<[Bool]>> { rng in
            (0..<Int.random(in: 1...(JSONParser.maxDepth + 100), using: &rng)).map { _ in Bool.random(using: &rng) }
        }
        fuzz("JSONParser nesting", seed: "G9lMiZDHxaB0XPXKjcs+aqCxc3pkfftIUAYAfRPNDaM=", quick: 500,
             input: input) { levels, result in
            // true: an array level, false: an object level `{"k":…}`.
            var bytes: [UInt8] = []
            for isArray in levels { bytes += isArray ? Array("[".utf8) : Array("{\"k\":".utf8) }
            bytes += Array("1".utf8)
            for isArray in levels.reversed() { bytes += isArray ? Array("]".utf8) : Array("}".utf8) }
            do throws(JSONParser.Failure) {
                _ = try JSONParser.parse(bytes)
                result.expect(levels.count <= JSONParser.maxDepth, "\(levels.count) levels were read, over the limit")
            } catch {
                result.outcome = "refused"
                result.expect(levels.count > JSONParser.maxDepth, "\(levels.count) levels refused: \(error.reason)")
                result.expect(error.reason.contains("nesting"), "the reason does not name the nesting: \(error.reason)")
            }
        }
        // Far past the limit: refused at the limit, not by running out of stack.
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
    }

    /// Inputs known to break parsers, each with what a strict RFC 8259 reader must make of it.
    @Test
    func adversarialInputsAreRefusedWithAReasonOrReadExactly() throws {
        let refused: [(String, [UInt8])] = [
            ("a number past Double", Array("1e999".utf8)),
            ("a negative number past Double", Array("-1e999".utf8)),
            ("a 400-digit integer", Array(("1" + String(repeating: "0", count: 400)).utf8)),
            ("a lone high surrogate", Array(#""\ud800""#.utf8)),
            ("a lone low surrogate", Array(#""\udc00""#.utf8)),
            ("a high surrogate then a letter", Array(#""\ud800\u0041""#.utf8)),
            ("a high surrogate at the end", Array(#""\ud800"#.utf8)),
            ("invalid UTF-8 in a string", [0x22, 0xC3, 0x28, 0x22]),
            ("an overlong encoding", [0x22, 0xC0, 0xAF, 0x22]),
            ("a UTF-8 surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22]),
            ("a raw NUL in a string", [0x22, 0x61, 0x00, 0x22]),
            ("a NUL after the value", [0x31, 0x00]),
            ("a byte order mark", [0xEF, 0xBB, 0xBF] + Array("{}".utf8)),
            ("an empty document", []),
            ("only spaces", Array("  \n ".utf8)),
            ("a leading zero", Array("012".utf8)),
            ("a bare minus", Array("-".utf8)),
            ("a trailing comma", Array("[1,]".utf8)),
            ("NaN", Array("NaN".utf8)),
            ("Infinity", Array("-Infinity".utf8)),
            ("a single quote", Array("'a'".utf8)),
            ("a short \\u escape", Array(#""\u12""#.utf8)),
            ("an unknown escape", Array(#""\x41""#.utf8)),
            ("two values", Array("1 2".utf8)),
            ("one past the nesting limit",
             Array(String(repeating: "[", count: JSONParser.maxDepth + 1).utf8)
                + Array(String(repeating: "]", count: JSONParser.maxDepth + 1).utf8)),
        ]
        for (name, bytes) in refused {
            do throws(JSONParser.Failure) {
                let value = try JSONParser.parse(bytes)
                Issue.record("\(name) was read as \(value)")
            } catch {
                #expect(!error.reason.isEmpty && (0...bytes.count).contains(error.offset), "\(name): \(error)")
            }
            #expect(throws: GantryError.self, "\(name)") { try JSONValue.parse(bytes) }
        }
        let read: [(String, String, JSONValue)] = [
            ("minus zero as an integer", "-0", .integer(0)),
            ("minus zero as a number", "-0.0", .number(-0.0)),
            ("the largest integer", "9223372036854775807", .integer(.max)),
            ("the smallest integer", "-9223372036854775808", .integer(.min)),
            ("one past the largest integer", "9223372036854775808", .number(9.223372036854775808e18)),
            ("the largest double", "1.7976931348623157e308", .number(.greatestFiniteMagnitude)),
            ("a subnormal", "5e-324", .number(.leastNonzeroMagnitude)),
            ("an underflow to zero", "1e-999", .number(0)),
            ("an escaped NUL", #""a\u0000b""#, .string("a\u{0}b")),
            ("a surrogate pair", #""\ud83d\ude00""#, .string("😀")),
            ("an escaped BOM", #""\ufeff""#, .string("\u{FEFF}")),
            ("a duplicate key, the last wins", #"{"a":1,"a":2}"#, .object(["a": .integer(2)])),
            ("the nesting limit exactly",
             String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth),
             (1..<JSONParser.maxDepth).reduce(JSONValue.array([])) { inner, _ in .array([inner]) }),
        ]
        for (name, text, expected) in read {
            #expect(try JSONParser.parse(Array(text.utf8)) == expected, "\(name)")
        }
        // Every cut of a document: a value when the cut is itself a document, else a refusal; never a trap.
        let document = Array(#"{"a":[1,-2.5e3,"x\u00e9\ud83d\ude00",true,null,{}],"b":"\\\""}"#.utf8)
        for end in 0..<document.count {
            var result = FuzzCase()
            Self.checkParse(Array(document[..<end]), &result)
            #expect(result.violations.isEmpty, "cut at \(end): \(result.violations)")
        }
    }

    /// What every parse must satisfy: a value that writes and reads back to itself, or a refusal with a
    /// reason and an offset inside the input; `JSONValue.parse` answers the same with `invalid_payload`.
    static func checkParse(_ bytes: [UInt8], _ result: inout FuzzCase) {
        do throws(JSONParser.Failure) {
            let value = try JSONParser.parse(bytes)
            let again = try? JSONParser.parse(value.jsonBytes)
            result.expect(again == value, "\(value) does not read back from its own JSON")
        } catch {
            result.outcome = "refused"
            result.expect(!error.reason.isEmpty, "a refusal without a reason")
            result.expect((0...bytes.count).contains(error.offset), "offset \(error.offset) outside the input")
        }
        do throws(GantryError) {
            _ = try JSONValue.parse(bytes)
        } catch {
            result.expect(error.code == .invalidPayload && !error.message.isEmpty, "JSONValue.parse refused with \(error)")
        }
    }
}

// MARK: - Random JSON and bytes, shared by the fuzz suites

/// Random JSON values that lean on the edges: integer and double extremes, minus zero, subnormals, every
/// control character, quotes and backslashes, astral and noncharacter scalars.
enum FuzzJSON {
    static let values: Generator<JSONValue, Shrink.None<JSONValue>> = Generator { rng in value(depth: 4, using: &rng) }

    static let integers: [Int64] = [
        .min, .min + 1, -9_007_199_254_740_993, -1, 0, 1, 9, 10, 1_000, Int64(Int32.max), Int64(Int32.max) + 1,
        9_007_199_254_740_993, .max - 1, .max,
    ]
    static let doubles: [Double] = [
        -0.0, 0.0, 0.1, -1.5, 1e15, 1e16, 9_007_199_254_740_992, 1e22, 1e300, -1e300, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, 1.0 / 3.0, 123.0,
    ]
    static let awkwardScalars: [Unicode.Scalar] = [
        "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\u{A}", "\u{C}", "\u{D}", "\u{1F}", "\u{7F}", "\"", "\\", "/", "\u{80}",
        "\u{FEFF}", "\u{2028}", "\u{FFFD}", "\u{FFFF}", "\u{10FFFF}", "é", "ß", "中", "😀", "\u{301}",
    ]

    static func value(depth: Int, using rng: inout some RandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .integer(integer(using: &rng))
        case 3: return .number(double(using: &rng))
        case 4, 5: return .string(string(using: &rng))
        case 6: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth: depth - 1, using: &rng) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let key = string(using: &rng)
                object[key] = value(depth: depth - 1, using: &rng)
            }
            return .object(object)
        }
    }

    static func integer(using rng: inout some RandomNumberGenerator) -> Int64 {
        Bool.random(using: &rng) ? integers.randomElement(using: &rng)! : Int64.random(in: .min ... .max, using: &rng)
    }

    /// A finite double: an edge case, or any finite bit pattern.
    static func double(using rng: inout some RandomNumberGenerator) -> Double {
        if Bool.random(using: &rng) { return doubles.randomElement(using: &rng)! }
        while true {
            let d = Double(bitPattern: rng.next())
            if d.isFinite { return d }
        }
    }

    static func string(maxLength: Int = 12, using rng: inout some RandomNumberGenerator) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...maxLength, using: &rng) { s.append(scalar(using: &rng)) }
        return String(s)
    }

    static func scalar(using rng: inout some RandomNumberGenerator) -> Unicode.Scalar {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return awkwardScalars.randomElement(using: &rng)!
        case 1:
            while true {
                if let s = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &rng)) { return s }
            }
        default: return Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng))
        }
    }

    /// Bytes as text when they are printable, else as hex.
    static func show(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ (0x20...0x7E).contains($0) }) { return String(decoding: bytes, as: UTF8.self) }
        return bytes.map { String($0, radix: 16) }.joined(separator: " ")
    }
}

/// One defect in a valid encoding: the mutations a torn write, a bad proxy or a hand edit make.
enum FuzzBytes {
    static func mutate(_ input: [UInt8], using rng: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes = input
        let at = Int.random(in: 0...bytes.count, using: &rng)
        switch Int.random(in: 0..<8, using: &rng) {
        case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
        case 1: bytes = Array(bytes[..<at])
        case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
        case 3 where at < bytes.count: bytes.remove(at: at)
        case 4: bytes = [0xEF, 0xBB, 0xBF] + bytes
        case 5: bytes.insert(0, at: at)
        case 6 where !bytes.isEmpty:
            // A stretch repeated, as a retried partial write leaves it.
            let end = Int.random(in: at...bytes.count, using: &rng)
            let stretch = Array(bytes[at..<end])
            bytes.insert(contentsOf: stretch, at: end)
        default:
            let structural = Array("{}[]\",:".utf8)
            if !bytes.isEmpty { bytes[min(at, bytes.count - 1)] = structural.randomElement(using: &rng)! }
        }
        return bytes
    }
}
