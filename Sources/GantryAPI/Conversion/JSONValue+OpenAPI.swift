import FoundationEssentials
import GantryCore
import OpenAPIRuntime

/// The generated types carry free-form JSON as OpenAPIRuntime's containers; the queue takes
/// `JSONValue`. These convert directly, without a second JSON encode and parse.
extension JSONValue {
    init(openAPI object: OpenAPIObjectContainer) {
        self = .object(Self.object(object.value))
    }

    init(openAPIValue value: (any Sendable)?) {
        switch value {
        case nil: self = .null
        case let b as Bool: self = .bool(b)
        case let i as Int: self = .integer(Int64(i))
        case let i as Int64: self = .integer(i)
        case let d as Double: self = .number(d)
        case let s as String: self = .string(s)
        case let a as [(any Sendable)?]: self = .array(a.map { JSONValue(openAPIValue: $0) })
        case let o as [String: (any Sendable)?]: self = .object(Self.object(o))
        default: self = .null
        }
    }

    private static func object(_ o: [String: (any Sendable)?]) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        out.reserveCapacity(o.count)
        for (k, v) in o { out[k] = JSONValue(openAPIValue: v) }
        return out
    }

    /// The value as OpenAPIRuntime holds it (for responses).
    var openAPIValue: (any Sendable)? {
        switch self {
        case .null: nil
        case .bool(let b): b
        case .integer(let i): Int(truncatingIfNeeded: i)
        case .number(let d): d
        case .string(let s): s
        case .array(let a): a.map(\.openAPIValue)
        case .object(let o): o.mapValues(\.openAPIValue)
        }
    }

    var openAPIObject: OpenAPIObjectContainer {
        guard case .object(let o) = self else { return OpenAPIObjectContainer() }
        return (try? OpenAPIObjectContainer(unvalidatedValue: o.mapValues(\.openAPIValue))) ?? OpenAPIObjectContainer()
    }

    var openAPIContainer: OpenAPIValueContainer? {
        try? OpenAPIValueContainer(unvalidatedValue: openAPIValue)
    }
}

extension Date {
    init(ms: Int64) { self.init(timeIntervalSince1970: Double(ms) / 1000) }
}
