/// Decodes a `Decodable` type straight from a parsed `JSONValue`, so a job's payload is parsed
/// once (by `JSONParser`, when the envelope is read) and never turned back into bytes for
/// `JSONDecoder` to parse again.
///
/// Errors are `DecodingError`s with the coding path and the messages `JSONDecoder` uses, so
/// `JSONValue.describe` names the field at fault the same way.
public struct JSONValueDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try T(from: TreeDecoder(value: value, codingPath: []))
    }
}

private struct TreeDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch([String: JSONValue].self, value, codingPath) }
        return KeyedDecodingContainer(KeyedTree(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = value else { throw mismatch([JSONValue].self, value, codingPath) }
        return UnkeyedTree(array: array, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleTree(value: value, codingPath: codingPath) }
}

/// What `JSONDecoder` says of a value of the wrong type.
private func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
    let found: String
    switch value {
    case .null: found = "null"
    case .bool: found = "bool"
    case .integer, .number: found = "number"
    case .string: found = "string"
    case .array: found = "array"
    case .object: found = "dictionary"
    }
    let expected: String
    switch type {
    case is [String: JSONValue].Type: expected = "Dictionary<String, Any>"
    case is [JSONValue].Type: expected = "Array<Any>"
    default: expected = "\(type)"
    }
    let message = value == .null
        ? "Cannot get value of type \(expected) -- found null value instead"
        : "Expected to decode \(expected) but found \(found) instead."
    let context = DecodingError.Context(codingPath: path, debugDescription: message)
    return value == .null ? .valueNotFound(type, context) : .typeMismatch(type, context)
}

/// The scalar reads every container shares: a value of one JSON type as a Swift type.
private func scalar<T: Decodable>(_ type: T.Type, _ value: JSONValue, _ path: [any CodingKey]) throws -> T {
    func number<N: BinaryInteger>(_: N.Type) throws -> N {
        switch value {
        case .integer(let i):
            guard let n = N(exactly: i) else { throw outOfRange(i) }
            return n
        case .number(let d):
            guard let n = N(exactly: d) else { throw outOfRange(d) }
            return n
        default: throw mismatch(type, value, path)
        }
    }
    func outOfRange(_ n: Any) -> DecodingError {
        .dataCorrupted(.init(codingPath: path, debugDescription: "Number \(n) is not representable in Swift as \(type)."))
    }
    switch type {
    case is Bool.Type:
        guard case .bool(let b) = value else { throw mismatch(type, value, path) }
        return b as! T
    case is String.Type:
        guard case .string(let s) = value else { throw mismatch(type, value, path) }
        return s as! T
    case is Double.Type, is Float.Type:
        let d: Double
        switch value {
        case .integer(let i): d = Double(i)
        case .number(let n): d = n
        default: throw mismatch(type, value, path)
        }
        if type is Float.Type { return Float(d) as! T }
        return d as! T
    case is Int.Type: return try number(Int.self) as! T
    case is Int8.Type: return try number(Int8.self) as! T
    case is Int16.Type: return try number(Int16.self) as! T
    case is Int32.Type: return try number(Int32.self) as! T
    case is Int64.Type: return try number(Int64.self) as! T
    case is UInt.Type: return try number(UInt.self) as! T
    case is UInt8.Type: return try number(UInt8.self) as! T
    case is UInt16.Type: return try number(UInt16.self) as! T
    case is UInt32.Type: return try number(UInt32.self) as! T
    case is UInt64.Type: return try number(UInt64.self) as! T
    case is JSONValue.Type: return value as! T
    default:
        if value == .null, !(type is any ExpressibleByNilLiteral.Type) { throw mismatch(type, value, path) }
        return try T(from: TreeDecoder(value: value, codingPath: path))
    }
}

private struct KeyedTree<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: JSONValue]
    let codingPath: [any CodingKey]
    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func value(for key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(for: key) == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try scalar(type, try value(for: key), codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try scalar(type, value, codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(value: try value(for: key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: try value(for: key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { TreeDecoder(value: .object(object), codingPath: codingPath) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = "Index \(index)"
    }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}

private struct UnkeyedTree: UnkeyedDecodingContainer {
    let array: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    private mutating func next(_ type: Any.Type) throws -> (JSONValue, [any CodingKey]) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "Unkeyed container is at end."))
        }
        defer { currentIndex += 1 }
        return (array[currentIndex], codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, array[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next(type)
        return try scalar(type, value, path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next([String: JSONValue].self)
        return try TreeDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next([JSONValue].self)
        return try TreeDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next(JSONValue.self)
        return TreeDecoder(value: value, codingPath: path)
    }
}

private struct SingleTree: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    func decodeNil() -> Bool { value == .null }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try scalar(type, value, codingPath) }
}
