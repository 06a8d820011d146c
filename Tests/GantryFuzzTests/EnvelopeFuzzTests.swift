import GantryCore
import PropertyBased
import Testing

/// `JobEnvelope.decode` reads every job body a worker leases; a torn or hand-edited body must come back as
/// `corrupt_job` (or `unsupported_version`), never as a trap that takes the worker and its other jobs down.
@Suite("JobEnvelope fuzz")
struct EnvelopeFuzzTests {
    @Test
    func envelopesDecodeToThemselvesAndThoseValidateOptionsAcceptsAlwaysDo() {
        fuzz("JobEnvelope round trip", seed: "nnhfe0bAxulSGjc4RgLmGdamUNmf5UwNUoHXxTv6NZk=", quick: 5_000,
             input: FuzzEnvelope.envelopes) { envelope, result in
            var accepted = true
            do throws(GantryError) {
                try envelope.validateOptions()
            } catch {
                accepted = false
                result.outcome = "refused \(FuzzEnvelope.label(error))"
                result.expect(error.field != nil && !error.message.isEmpty, "validateOptions refused without a field: \(error)")
            }
            do throws(GantryError) {
                let bytes = try envelope.encoded()
                do throws(GantryError) {
                    let decoded = try JobEnvelope.decode(bytes)
                    result.expect(decoded == envelope, "decode(encoded(e)) is \(decoded)")
                } catch {
                    result.expect(!accepted, "an envelope validateOptions accepts does not decode: \(error)")
                    result.expect(FuzzEnvelope.decodeRefusals.contains(error.code), "decode refused with \(error)")
                }
            } catch {
                result.expect(error.code == .payloadTooLarge, "encoded() refused with \(error)")
            }
            if accepted { EnvelopeInvariants.check(envelope, &result) }
        }
    }

    /// Valid encodings with one defect: a byte flipped, inserted or cut, a field of the wrong type, a key
    /// dropped, or a number at Int64's ends or past them.
    @Test
    func mutatedEnvelopeBytesDecodeOrAreRefusedAsCorruptAndNeverTrap() {
        let input = Generator<[UInt8], Shrink.None<[UInt8]>> { rng in
            let bytes = try! FuzzEnvelope.envelope(using: &rng).encoded()
            return Bool.random(using: &rng)
                ? FuzzBytes.mutate(bytes, using: &rng) : FuzzEnvelope.mutateField(bytes, using: &rng)
        }
        fuzz("JobEnvelope.decode mutated bodies", seed: "Tr6gAx3lfnRNRpwu4CkAAhZNOLl0yjbMP/tFZMLGMow=", quick: 10_000,
             input: input) { bytes, result in
            EnvelopeFuzzTests.checkDecode(bytes, &result)
        }
    }

    @Test
    func randomBytesAreRefusedAsCorruptAndNeverTrap() {
        fuzz("JobEnvelope.decode random bytes", seed: "a3tgQYNjUZIFmXqcfE+xySJi/BYNl791sJGNBGYKphc=", quick: 5_000,
             input: JSONParserFuzzTests.bytes) { bytes, result in
            EnvelopeFuzzTests.checkDecode(bytes, &result)
        }
    }

    /// Each numeric field at each extreme, written as the JSON a corrupt body could hold.
    @Test
    func everyNumericFieldAtEveryExtremeDecodesOrIsRefusedAsCorrupt() throws {
        var base = JobEnvelope(
            kind: "gantry.noop", payload: ["a": 1], uniqueKey: "k", uniqueForMs: 60_000, enqueuedAtMs: FuzzEnvelope.nowMs)
        base.projectID = "p"
        let bytes = try base.encoded()
        for key in FuzzEnvelope.numericKeys {
            for raw in FuzzEnvelope.extremeNumbers {
                var result = FuzzCase()
                Self.checkDecode(FuzzEnvelope.setting(key, toRaw: raw, in: bytes), &result)
                #expect(result.violations.isEmpty, "\(key) = \(raw): \(result.violations)")
            }
        }
    }

    /// A body either decodes, and then makes the round trip again and meets the invariants if
    /// `validateOptions` accepts it, or is refused as `corrupt_job` / `unsupported_version` with a message.
    static func checkDecode(_ bytes: [UInt8], _ result: inout FuzzCase) {
        let decoded: JobEnvelope
        do throws(GantryError) {
            decoded = try JobEnvelope.decode(bytes)
        } catch {
            result.outcome = "refused \(error.code)"
            result.expect(FuzzEnvelope.decodeRefusals.contains(error.code), "decode refused with \(error)")
            result.expect(!error.message.isEmpty, "a refusal without a message")
            return
        }
        if let again = try? decoded.encoded() {
            result.expect((try? JobEnvelope.decode(again)) == decoded, "a decoded envelope does not decode again to itself")
        }
        do throws(GantryError) {
            try decoded.validateOptions()
            result.outcome = "decoded"
            EnvelopeInvariants.check(decoded, &result)
        } catch {
            // Decoded, but a producer could not have enqueued it: counted, so a long run shows how often.
            result.outcome = "decoded, validateOptions refuses \(FuzzEnvelope.label(error))"
            result.expect(error.field != nil && !error.message.isEmpty, "validateOptions refused without a field: \(error)")
        }
    }
}

/// What every envelope the queue accepts must satisfy, whatever the input was: the sums the drivers and the
/// workers make with its times do not overflow, its identifiers hold no control character, its payload no
/// NUL, and it makes the round trip through its encoding.
enum EnvelopeInvariants {
    static func check(_ e: JobEnvelope, nowMs: Int64 = FuzzEnvelope.nowMs, _ result: inout FuzzCase) {
        result.expect(JobEnvelope.priorities.contains(e.priority), "priority \(e.priority) accepted")
        result.expect(e.maxAttempts >= 1, "maxAttempts \(e.maxAttempts) accepted")
        result.expect(e.timeoutMs > 0, "timeout \(e.timeoutMs) accepted")
        result.expect(!e.runAtMs.addingReportingOverflow(e.timeoutMs).overflow,
                      "runAtMs \(e.runAtMs) + timeoutMs \(e.timeoutMs) overflows")
        // The worker's deadline for a run that starts now.
        result.expect(!nowMs.addingReportingOverflow(e.timeoutMs).overflow, "now + timeoutMs \(e.timeoutMs) overflows")
        if let uniqueFor = e.uniqueForMs {
            result.expect(!e.enqueuedAtMs.addingReportingOverflow(uniqueFor).overflow,
                          "enqueuedAtMs \(e.enqueuedAtMs) + uniqueForMs \(uniqueFor) overflows")
        }
        for (field, value) in [("kind", e.kind), ("projectID", e.projectID), ("uniqueKey", e.uniqueKey),
                               ("traceparent", e.traceparent), ("queue", e.queue.rawValue)] {
            if let value, let c = value.unicodeScalars.first(where: { $0.value < 0x20 }) {
                result.expect(false, "\(field) holds the control character U+\(String(c.value, radix: 16))")
            }
        }
        result.expect(!containsNUL(e.payload), "the payload holds a NUL")
        do throws(GantryError) {
            let decoded = try JobEnvelope.decode(try e.encoded())
            result.expect(decoded == e, "an accepted envelope decodes as \(decoded)")
        } catch {
            result.expect(error.code == .payloadTooLarge, "an accepted envelope does not make the round trip: \(error)")
        }
    }

    static func containsNUL(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool, .integer, .number: false
        case .string(let s): s.utf8.contains(0)
        case .array(let items): items.contains(where: containsNUL)
        case .object(let fields): fields.contains { $0.key.utf8.contains(0) || containsNUL($0.value) }
        }
    }
}

/// Random envelopes, mostly within the options' bounds and sometimes at Int64's ends, and field-level damage
/// to their encoding.
enum FuzzEnvelope {
    static let envelopes: Generator<JobEnvelope, Shrink.None<JobEnvelope>> = Generator { rng in envelope(using: &rng) }

    /// A fixed "now" (2025-12-01), so a failing case replays the same.
    static let nowMs: Int64 = 1_764_547_200_000
    static let decodeRefusals: Set<GantryError.Code> = [.corruptJob, .unsupportedVersion]
    static let numericKeys = ["v", "attempt", "maxAttempts", "priority", "runAtMs", "timeoutMs", "uniqueForMs", "enqueuedAtMs"]
    static let stringKeys = ["id", "kind", "queue", "projectID", "uniqueKey", "traceparent", "parentID"]
    static let extremes: [Int64] = [.min, .min + 1, -1, 0, 1, Int64(Int32.max), .max - 1, .max]
    /// JSON number text at and past Int64's ends, and forms that are not integers.
    static let extremeNumbers = extremes.map { String($0) }
        + ["9223372036854775808", "-9223372036854775809", "1e999", "-1e999", "1e2", "0.5", "-0", "-0.0", "2"]

    /// A refusal as a tally key: the code, and the option for `invalid_option` (payload paths are too many).
    static func label(_ error: GantryError) -> String {
        error.code == .invalidOption ? "\(error.code) \(error.field ?? "-")" : "\(error.code)"
    }

    static func envelope(using rng: inout some RandomNumberGenerator) -> JobEnvelope {
        func pick(_ sane: ClosedRange<Int64>) -> Int64 {
            Int.random(in: 0..<5, using: &rng) == 0
                ? extremes.randomElement(using: &rng)! : Int64.random(in: sane, using: &rng)
        }
        let uniqueKey: String? = Bool.random(using: &rng) ? identifier(using: &rng) : nil
        return JobEnvelope(
            id: id(using: &rng), kind: Bool.random(using: &rng) ? "gantry.noop" : identifier(using: &rng),
            queue: queue(using: &rng), payload: FuzzJSON.value(depth: 3, using: &rng),
            projectID: Bool.random(using: &rng) ? identifier(using: &rng) : nil,
            attempt: Int(pick(0...30)), maxAttempts: Int(pick(1...1000)), priority: Int(pick(0...9)),
            runAtMs: pick(nowMs - 1_000...nowMs + 10_000_000_000), timeoutMs: pick(1...7 * 86_400_000),
            uniqueKey: uniqueKey, uniqueForMs: uniqueKey == nil ? nil : pick(1...86_400_000),
            enqueuedAtMs: Int.random(in: 0..<5, using: &rng) == 0 ? extremes.randomElement(using: &rng)! : nowMs,
            traceparent: Bool.random(using: &rng) ? traceparent(using: &rng) : nil,
            parentID: Bool.random(using: &rng) ? id(using: &rng) : nil)
    }

    static func id(using rng: inout some RandomNumberGenerator) -> JobID {
        let hex = Array("0123456789abcdef")
        let text = String((0..<36).map { i in [8, 13, 18, 23].contains(i) ? "-" : hex.randomElement(using: &rng)! })
        return JobID(text)!
    }

    /// Mostly plain text; one time in four, anything (control characters, NUL, astral scalars, empty).
    static func identifier(using rng: inout some RandomNumberGenerator) -> String {
        if Int.random(in: 0..<4, using: &rng) == 0 { return FuzzJSON.string(maxLength: 300, using: &rng) }
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789._-:/ ")
        return String((0..<Int.random(in: 1...40, using: &rng)).map { _ in letters.randomElement(using: &rng)! })
    }

    static func queue(using rng: inout some RandomNumberGenerator) -> QueueName {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        let name = String((0..<Int.random(in: 1...64, using: &rng)).map { _ in letters.randomElement(using: &rng)! })
        return try! QueueName(name)
    }

    /// A W3C traceparent most of the time, else something close to one.
    static func traceparent(using rng: inout some RandomNumberGenerator) -> String {
        let hex = Array("0123456789abcdef")
        func digits(_ n: Int) -> String { String((0..<n).map { _ in hex.randomElement(using: &rng)! }) }
        let valid = "00-\(digits(32))-\(digits(16))-\(digits(2))"
        return Int.random(in: 0..<4, using: &rng) == 0 ? String(valid.dropLast()) + "\u{0}" : valid
    }

    /// The encoding with one field replaced: a number at or past Int64's ends, a value of the wrong type,
    /// another version, or the field dropped.
    static func mutateField(_ bytes: [UInt8], using rng: inout some RandomNumberGenerator) -> [UInt8] {
        let keys = numericKeys + stringKeys + ["payload", "extra"]
        let key = keys.randomElement(using: &rng)!
        switch Int.random(in: 0..<3, using: &rng) {
        case 0:
            return setting(key, toRaw: extremeNumbers.randomElement(using: &rng)!, in: bytes)
        case 1:
            let others: [String] = ["null", "true", "\"\"", "\"x\"", "[]", "{}", "[1]", "\"00-\"", "\"\\u0000\""]
            return setting(key, toRaw: others.randomElement(using: &rng)!, in: bytes)
        default:
            guard case .object(var object)? = try? JSONValue.parse(bytes) else { return bytes }
            object.removeValue(forKey: key)
            return JSONValue.object(object).jsonBytes
        }
    }

    /// The encoding with `key` set to the JSON text `raw` (numbers beyond what `JSONValue` holds included).
    static func setting(_ key: String, toRaw raw: String, in bytes: [UInt8]) -> [UInt8] {
        guard case .object(var object)? = try? JSONValue.parse(bytes) else { return bytes }
        object.removeValue(forKey: key)
        var out = JSONValue.object(object).jsonBytes
        out.removeLast()
        out += Array(((object.isEmpty ? "" : ",") + "\"\(key)\":\(raw)}").utf8)
        return out
    }
}
