import GantryCore
import GantryJobs
import PropertyBased
import Testing

/// The producer's front door (`JobQueue.envelope(for:)`: the kind registry, the payload schema, then
/// `validateOptions()`): whatever a request holds, the answer is an envelope that meets the invariants or a
/// `GantryError` with a code and the field at fault, never a trap.
@Suite("Front door fuzz: options and payloads")
struct PayloadSchemaFuzzTests {
    /// Every kind a producer can enqueue: the built-in ones and the four CRM kinds.
    static let registry: JobKindRegistry = {
        var registry = JobKindRegistry.builtIn
        for descriptor in [EstimateSimulateKind.descriptor, MigrationBatchKind.descriptor, ReportBuildKind.descriptor,
                           NotifySendKind.descriptor] {
            registry.register(descriptor)
        }
        return registry
    }()
    static let queue = JobQueue(driver: MemoryJobQueueDriver(), registry: registry)
    static let frontDoorRefusals: Set<GantryError.Code> = [
        .invalidOption, .invalidPayload, .unknownKind, .payloadTooLarge, .invalidQueueName,
    ]

    /// Each numeric option alone at each extreme, for every kind: a valid envelope, or `invalid_option` naming
    /// exactly that option.
    @Test
    func everyNumericOptionAtItsExtremesGivesAValidEnvelopeOrAnInvalidOptionNamingIt() throws {
        for kind in Self.registry.names {
            let payload = try #require(Self.acceptedPayload(for: kind), "no payload found that \(kind) accepts")
            for option in FuzzOption.allCases {
                for value in FuzzOption.extremes {
                    var request = JobRequest(kind: kind, payload: payload)
                    option.apply(value, to: &request)
                    var result = FuzzCase()
                    do throws(GantryError) {
                        let envelope = try Self.queue.envelope(for: request, nowMs: FuzzEnvelope.nowMs)
                        EnvelopeInvariants.check(envelope, &result)
                    } catch {
                        result.expect(error.code == .invalidOption && error.field == option.rawValue,
                                      "refused as \(error.code) for field \(error.field ?? "none"): \(error.message)")
                    }
                    #expect(result.violations.isEmpty, "\(kind), \(option.rawValue) = \(value): \(result.violations)")
                }
            }
        }
    }

    /// Whole requests at random: any kind (known or not), schema-shaped or damaged payloads, every option
    /// random or at an extreme, identifiers with control characters.
    @Test
    func randomRequestsGiveAValidEnvelopeOrAnErrorWithACodeAndAField() {
        let input = Generator<JobRequest, Shrink.None<JobRequest>> { rng in FuzzOption.request(using: &rng) }
        fuzz("front door random requests", seed: "p/G1kduh2oYmUZII/MHkbLgW5mloqMqsTDxux/3c4Y4=", quick: 5_000,
             input: input) { request, result in
            do throws(GantryError) {
                let envelope = try Self.queue.envelope(for: request, nowMs: FuzzEnvelope.nowMs)
                EnvelopeInvariants.check(envelope, &result)
            } catch {
                result.outcome = "refused \(FuzzEnvelope.label(error))"
                result.expect(Self.frontDoorRefusals.contains(error.code), "refused with \(error)")
                result.expect(!error.message.isEmpty, "a refusal without a message")
                if error.code == .invalidOption || error.code == .invalidPayload {
                    result.expect(error.field?.isEmpty == false, "\(error.code) without a field: \(error)")
                }
            }
        }
    }

    /// Payloads shaped by each kind's schema, most with one defect at a known place: the schema accepts
    /// them or names that place (or a field inside it), and what it accepts makes a valid envelope or is
    /// refused for a field.
    @Test
    func payloadsForEveryKindAreAcceptedOrRefusedAtTheFieldThatIsWrong() {
        let input = Generator<FuzzPayload.Case, Shrink.None<FuzzPayload.Case>> { rng in
            let kind = Self.registry.names.randomElement(using: &rng)!
            return FuzzPayload.damaged(kind: kind, schema: Self.registry[kind]!.schema, using: &rng)
        }
        let outcomes = fuzz("payload schemas", seed: "Dc3G9DrlNhA9TFVhq0MUwPaOpRNy7piI1a3jYcyqxF4=", quick: 5_000,
                            input: input) { sample, result in
            do throws(GantryError) {
                try Self.registry.validate(kind: sample.kind, payload: sample.payload)
            } catch {
                result.outcome = "\(sample.kind) refused"
                result.expect(error.code == .invalidPayload && error.kind == sample.kind, "refused with \(error)")
                let field = error.field ?? ""
                result.expect(FuzzPayload.isAtOrUnder(field, sample.damagedPath),
                              "refused at '\(field)', but the damage is at '\(sample.damagedPath ?? "nowhere")': \(error.message)")
                return
            }
            result.outcome = "\(sample.kind) accepted"
            do throws(GantryError) {
                let envelope = try Self.queue.envelope(
                    for: JobRequest(kind: sample.kind, payload: sample.payload), nowMs: FuzzEnvelope.nowMs)
                EnvelopeInvariants.check(envelope, &result)
            } catch {
                // The schema took it, the queue did not (a control character, a payload too large): say where.
                result.outcome = "\(sample.kind) accepted by the schema, refused by the queue"
                result.expect([.invalidPayload, .payloadTooLarge].contains(error.code) && error.field != nil,
                              "refused with \(error)")
            }
        }
        for kind in Self.registry.names {
            #expect(outcomes["\(kind) accepted", default: 0] > 0, "no payload for \(kind) was accepted: \(outcomes)")
            #expect(outcomes["\(kind) refused", default: 0] > 0, "no payload for \(kind) was refused: \(outcomes)")
        }
    }

    /// A payload the kind's schema and the queue both accept, found from a fixed seed.
    static func acceptedPayload(for kind: String) -> JSONValue? {
        guard let schema = registry[kind]?.schema, var rng = Xoshiro(seed: "Tr6gAx3lfnRNRpwu4CkAAhZNOLl0yjbMP/tFZMLGMow=")
        else { return nil }
        for _ in 0..<1_000 {
            let payload = FuzzPayload.conforming(schema, clean: true, using: &rng)
            if (try? queue.envelope(for: JobRequest(kind: kind, payload: payload), nowMs: FuzzEnvelope.nowMs)) != nil {
                return payload
            }
        }
        return nil
    }
}

/// The numeric options of a `JobRequest`, named as `GantryError.field` names them.
enum FuzzOption: String, CaseIterable {
    case priority, maxAttempts, delay, runAt, timeout, uniqueFor

    static let extremes: [Int64] = [
        .min, .min + 1, -1, 0, 1, 2, 9, 10, 1_000, 1_001, Int64(Int32.max), Int64(Int32.max) + 1, 86_400_000,
        FuzzEnvelope.nowMs, 4_102_444_800_000, 4_102_444_800_001, .max - 1, .max,
    ]

    func apply(_ value: Int64, to request: inout JobRequest) {
        switch self {
        case .priority: request.priority = Int(value)
        case .maxAttempts: request.maxAttempts = Int(value)
        case .delay: request.delayMs = value
        case .runAt: request.runAtMs = value
        case .timeout: request.timeoutMs = value
        case .uniqueFor:
            request.uniqueKey = request.uniqueKey ?? "fuzz-unique-key"
            request.uniqueForMs = value
        }
    }

    /// A request with every part random: sane values, extremes, or left out.
    static func request(using rng: inout some RandomNumberGenerator) -> JobRequest {
        let names = PayloadSchemaFuzzTests.registry.names
        let kind = Int.random(in: 0..<10, using: &rng) == 0
            ? FuzzEnvelope.identifier(using: &rng) : names.randomElement(using: &rng)!
        let payload: JSONValue
        if let schema = PayloadSchemaFuzzTests.registry[kind]?.schema, Int.random(in: 0..<4, using: &rng) > 0 {
            payload = FuzzPayload.damaged(kind: kind, schema: schema, using: &rng).payload
        } else {
            payload = FuzzJSON.value(depth: 3, using: &rng)
        }
        var request = JobRequest(kind: kind, payload: payload)
        if Bool.random(using: &rng) { request.queue = FuzzEnvelope.queue(using: &rng) }
        for option in allCases where Bool.random(using: &rng) {
            let value = Bool.random(using: &rng)
                ? extremes.randomElement(using: &rng)! : Int64.random(in: 0...100_000_000, using: &rng)
            option.apply(value, to: &request)
        }
        if Int.random(in: 0..<4, using: &rng) == 0 { request.uniqueKey = FuzzEnvelope.identifier(using: &rng) }
        if Int.random(in: 0..<4, using: &rng) == 0 { request.projectID = FuzzEnvelope.identifier(using: &rng) }
        if Int.random(in: 0..<4, using: &rng) == 0 { request.traceparent = FuzzEnvelope.traceparent(using: &rng) }
        if Int.random(in: 0..<4, using: &rng) == 0 { request.parentID = FuzzEnvelope.id(using: &rng) }
        return request
    }
}

/// Payloads built from a `PayloadSchema`: values it should accept, and the same with one defect whose place
/// is known, so a refusal can be checked to name it.
enum FuzzPayload {
    struct Case: Sendable, CustomStringConvertible {
        var kind: String
        var payload: JSONValue
        /// Where the defect is, as the validator names fields (`phases[2].max`, "" for the root); nil when none.
        var damagedPath: String?
        var description: String { "\(kind) \(payload.jsonString) damaged at \(damagedPath ?? "nowhere")" }
    }

    enum Step: Sendable {
        case key(String)
        case index(Int)
    }

    /// As `PayloadSchema` spells paths: `a.b[2].c`, an empty key as `""`.
    static func render(_ path: [Step]) -> String {
        var out = ""
        for step in path {
            switch step {
            case .key(let key):
                let name = key.isEmpty ? "\"\"" : key
                out += out.isEmpty ? name : ".\(name)"
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }

    /// Whether the validator's `field` is `path` or inside it (the root "$" counts for the root only).
    static func isAtOrUnder(_ field: String, _ path: String?) -> Bool {
        guard let path else { return false }
        if path.isEmpty { return true }
        return field == path || field.hasPrefix(path + ".") || field.hasPrefix(path + "[")
    }

    /// A schema-shaped payload, with one defect three times in four.
    static func damaged(kind: String, schema: PayloadSchema, using rng: inout some RandomNumberGenerator) -> Case {
        let payload = conforming(schema, clean: Int.random(in: 0..<8, using: &rng) > 0, using: &rng)
        guard Int.random(in: 0..<4, using: &rng) > 0 else { return Case(kind: kind, payload: payload, damagedPath: nil) }
        var places: [[Step]] = []
        collectPaths(payload, [], into: &places)
        let place = places.randomElement(using: &rng)!
        var damagedPath = render(place)
        let replacement: JSONValue?
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: replacement = FuzzJSON.value(depth: 2, using: &rng)
        case 1: replacement = .integer(FuzzJSON.integers.randomElement(using: &rng)!)
        case 2: replacement = .number(FuzzJSON.doubles.randomElement(using: &rng)!)
        case 3: replacement = .string(String(repeating: "x", count: Int.random(in: 0...20_000, using: &rng)))
        case 4:
            replacement = nil
            // An array with an item fewer is wrong, if at all, in its count: the array's own path.
            if case .index? = place.last { damagedPath = render(Array(place.dropLast())) }
        default:
            // An unknown key beside the ones the schema names.
            guard case .object(var object) = value(at: place, in: payload) else {
                replacement = .null
                break
            }
            let key = FuzzJSON.string(using: &rng)
            object[key] = .integer(1)
            replacement = .object(object)
            damagedPath = render(place + [.key(key)])
        }
        return Case(kind: kind, payload: replacing(place, in: payload, with: replacement), damagedPath: damagedPath)
    }

    /// A value `schema` accepts; with `clean` false its strings may hold control characters (the schema
    /// allows them; the queue must not).
    static func conforming(
        _ schema: PayloadSchema, clean: Bool, depth: Int = 0, using rng: inout some RandomNumberGenerator
    ) -> JSONValue {
        switch schema {
        case .any:
            return clean ? .string(text(count: 5, clean: true, using: &rng)) : FuzzJSON.value(depth: 2, using: &rng)
        case .string(let minLength, let maxLength, let oneOf):
            if let oneOf, let choice = oneOf.randomElement(using: &rng) { return .string(choice) }
            let upper = min(maxLength, minLength + 40)
            guard minLength <= upper else { return .string("") }
            return .string(text(count: Int.random(in: minLength...upper, using: &rng), clean: clean, using: &rng))
        case .integer(let range):
            let choices = [range.lowerBound, range.upperBound, Int64.random(in: range, using: &rng)]
            return .integer(choices.randomElement(using: &rng)!)
        case .number(let range):
            var choices = [range.lowerBound, range.upperBound]
            if (range.upperBound - range.lowerBound).isFinite {
                choices.append(Double.random(in: range, using: &rng))
            } else {
                choices.append(min(max(FuzzJSON.double(using: &rng), range.lowerBound), range.upperBound))
            }
            return .number(choices.randomElement(using: &rng)!)
        case .bool:
            return .bool(Bool.random(using: &rng))
        case .array(let element, let minCount, let maxCount):
            let count = Int.random(in: minCount...min(maxCount, minCount + 3), using: &rng)
            return .array((0..<count).map { _ in conforming(element, clean: clean, depth: depth + 1, using: &rng) })
        case .object(let fields, let additional):
            var object: [String: JSONValue] = [:]
            for field in fields where field.required || Bool.random(using: &rng) {
                object[field.name] = conforming(field.schema, clean: clean, depth: depth + 1, using: &rng)
            }
            if additional, Bool.random(using: &rng) {
                object["extra_\(depth)"] = clean ? .integer(7) : FuzzJSON.value(depth: 1, using: &rng)
            }
            return .object(object)
        }
    }

    /// `count` characters, each one scalar that combines with no neighbour, so `String.count` is `count`.
    static func text(count: Int, clean: Bool, using rng: inout some RandomNumberGenerator) -> String {
        let plain: [Unicode.Scalar] = Array("abcXYZ019 -_.,'@éß中😀".unicodeScalars)
        let control: [Unicode.Scalar] = ["\u{0}", "\u{1}", "\u{9}", "\u{A}", "\u{1B}", "\u{7F}"]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<count {
            let dirty = !clean && Int.random(in: 0..<8, using: &rng) == 0
            scalars.append((dirty ? control : plain).randomElement(using: &rng)!)
        }
        return String(scalars)
    }

    static func collectPaths(_ value: JSONValue, _ path: [Step], into places: inout [[Step]]) {
        places.append(path)
        switch value {
        case .array(let items):
            for (i, item) in items.enumerated() { collectPaths(item, path + [.index(i)], into: &places) }
        case .object(let fields):
            for key in fields.keys.sorted() { collectPaths(fields[key]!, path + [.key(key)], into: &places) }
        default:
            break
        }
    }

    static func value(at path: [Step], in root: JSONValue) -> JSONValue? {
        var current = root
        for step in path {
            switch (step, current) {
            case (.key(let name), .object(let fields)): guard let next = fields[name] else { return nil }; current = next
            case (.index(let i), .array(let items)) where items.indices.contains(i): current = items[i]
            default: return nil
            }
        }
        return current
    }

    /// `root` with the value at `path` replaced, or removed when `replacement` is nil (the root becomes null).
    static func replacing(_ path: [Step], in root: JSONValue, with replacement: JSONValue?) -> JSONValue {
        guard let first = path.first else { return replacement ?? .null }
        let rest = Array(path.dropFirst())
        switch (first, root) {
        case (.key(let name), .object(var fields)):
            if rest.isEmpty, replacement == nil {
                fields.removeValue(forKey: name)
            } else if let child = fields[name] {
                fields[name] = replacing(rest, in: child, with: replacement)
            }
            return .object(fields)
        case (.index(let i), .array(var items)) where items.indices.contains(i):
            if rest.isEmpty, replacement == nil {
                items.remove(at: i)
            } else {
                items[i] = replacing(rest, in: items[i], with: replacement)
            }
            return .array(items)
        default:
            return root
        }
    }
}
