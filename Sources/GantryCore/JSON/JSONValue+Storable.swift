extension JSONValue {
    /// The deepest payload an envelope may carry: the envelope object itself is one level, and the
    /// parser that reads it back when the job is leased stops at `JSONParser.maxDepth`.
    public static let maxPayloadDepth = JSONParser.maxDepth - 1

    /// Refuses a value that could not make the round trip through the queue and into PostgreSQL:
    /// nesting deeper than the parser reads back (it would be stored, then found "corrupt" at
    /// lease), a number that is not finite (JSON has no NaN; it would silently become null), or a
    /// string or key with a NUL or another control character (see `ControlCharacters`).
    /// Throws `invalidPayload` with the path of the first value at fault.
    public func validateStorable(path: String = "$") throws(GantryError) {
        try Self.check(self, path: path, depth: 1)
    }

    private static func check(_ value: JSONValue, path: String, depth: Int) throws(GantryError) {
        switch value {
        case .null, .bool, .integer:
            return
        case .number(let d):
            guard d.isFinite else { throw GantryError(.invalidPayload, "\(d) is not a finite number", field: path) }
        case .string(let s):
            if let bad = ControlCharacters.first(in: s) {
                throw GantryError(
                    .invalidPayload, "contains the control character \(ControlCharacters.name(bad.scalar)) at byte \(bad.offset)",
                    field: path)
            }
        case .array(let items):
            guard depth <= maxPayloadDepth else { throw tooDeep(path) }
            for (i, item) in items.enumerated() { try check(item, path: "\(path)[\(i)]", depth: depth + 1) }
        case .object(let fields):
            guard depth <= maxPayloadDepth else { throw tooDeep(path) }
            for (key, item) in fields {
                let child = "\(path).\(ControlCharacters.cleaned(key, allowLineBreaks: false))"
                if let bad = ControlCharacters.first(in: key, allowLineBreaks: false) {
                    throw GantryError(
                        .invalidPayload, "key contains the control character \(ControlCharacters.name(bad.scalar))", field: child)
                }
                try check(item, path: child, depth: depth + 1)
            }
        }
    }

    private static func tooDeep(_ path: String) -> GantryError {
        GantryError(.invalidPayload, "nested deeper than \(maxPayloadDepth) levels (the most a job can carry)", field: path)
    }

    /// This value with every string and key cleaned by `ControlCharacters.cleaned`, for values the
    /// system stores itself (a handler's result): PostgreSQL's `jsonb` refuses `\u0000`.
    public func cleaningControlCharacters() -> JSONValue {
        switch self {
        case .null, .bool, .integer, .number: return self
        case .string(let s): return .string(ControlCharacters.cleaned(s))
        case .array(let items): return .array(items.map { $0.cleaningControlCharacters() })
        case .object(let fields):
            var out: [String: JSONValue] = [:]
            out.reserveCapacity(fields.count)
            for (key, value) in fields { out[ControlCharacters.cleaned(key)] = value.cleaningControlCharacters() }
            return .object(out)
        }
    }
}
