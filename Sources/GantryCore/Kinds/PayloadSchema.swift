/// A small, declarative description of a payload's shape: enough to refuse bad input at the
/// door (API, CLI, enqueue) with the field and the reason, before it ever reaches a queue.
public indirect enum PayloadSchema: Sendable {
    case any
    case string(minLength: Int = 0, maxLength: Int = .max, oneOf: [String]? = nil)
    case integer(ClosedRange<Int64> = Int64.min...Int64.max)
    case number(ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
    case bool
    case array(of: PayloadSchema, minCount: Int = 0, maxCount: Int = .max)
    /// An object with named fields; `additional` says whether other keys are accepted.
    case object([Field], additional: Bool = false)

    public struct Field: Sendable {
        public var name: String
        public var schema: PayloadSchema
        public var required: Bool
        public init(_ name: String, _ schema: PayloadSchema, required: Bool = true) {
            self.name = name
            self.schema = schema
            self.required = required
        }
    }

    /// Throws `invalidPayload` naming the first field at fault as a path (`phases[2].max`).
    public func validate(_ value: JSONValue, path: String = "") throws(GantryError) {
        func fail(_ why: String) -> GantryError {
            GantryError(.invalidPayload, why, field: path.isEmpty ? "$" : path)
        }
        switch self {
        case .any:
            return
        case .string(let minLength, let maxLength, let oneOf):
            guard case .string(let s) = value else { throw fail("expected a string, got \(value.typeName)") }
            guard s.count >= minLength else { throw fail("must be at least \(minLength) characters") }
            guard s.count <= maxLength else { throw fail("must be at most \(maxLength) characters") }
            if let oneOf, !oneOf.contains(s) {
                throw fail("'\(s)' is not one of \(oneOf.joined(separator: ", "))")
            }
        case .integer(let range):
            let i: Int64
            switch value {
            case .integer(let v): i = v
            case .number(let d) where d.rounded() == d && abs(d) < 9e15: i = Int64(d)
            default: throw fail("expected an integer, got \(value.typeName)")
            }
            guard range.contains(i) else { throw fail("\(i) is outside \(range.lowerBound)...\(range.upperBound)") }
        case .number(let range):
            let d: Double
            switch value {
            case .integer(let v): d = Double(v)
            case .number(let v): d = v
            default: throw fail("expected a number, got \(value.typeName)")
            }
            guard range.contains(d) else { throw fail("\(d) is outside \(range.lowerBound)...\(range.upperBound)") }
        case .bool:
            guard case .bool = value else { throw fail("expected true or false, got \(value.typeName)") }
        case .array(let element, let minCount, let maxCount):
            guard case .array(let items) = value else { throw fail("expected an array, got \(value.typeName)") }
            guard items.count >= minCount else { throw fail("needs at least \(minCount) items") }
            guard items.count <= maxCount else { throw fail("allows at most \(maxCount) items") }
            for (i, item) in items.enumerated() {
                try element.validate(item, path: "\(path)[\(i)]")
            }
        case .object(let fields, let additional):
            guard case .object(let object) = value else { throw fail("expected an object, got \(value.typeName)") }
            for field in fields {
                let fieldPath = Self.join(path, field.name)
                if let v = object[field.name], v != .null {
                    try field.schema.validate(v, path: fieldPath)
                } else if field.required {
                    throw GantryError(.invalidPayload, "is required", field: fieldPath)
                }
            }
            if !additional {
                let known = Set(fields.map(\.name))
                if let extra = object.keys.sorted().first(where: { !known.contains($0) }) {
                    let fieldPath = Self.join(path, extra)
                    throw GantryError(.invalidPayload, "is not a known field", field: fieldPath)
                }
            }
        }
    }
}

extension PayloadSchema {
    /// `path.key`, with an empty key spelt `""` so that every error names a field.
    static func join(_ path: String, _ key: String) -> String {
        let name = key.isEmpty ? "\"\"" : key
        return path.isEmpty ? name : "\(path).\(name)"
    }
}

extension JSONValue {
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer: "an integer"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
