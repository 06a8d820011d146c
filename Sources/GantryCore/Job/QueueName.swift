/// A queue's name. Restricted to `[A-Za-z0-9_.-]{1,64}` because it becomes a Redis hash tag
/// (`gantry:{name}:…`): a brace or colon in it would split a queue's keys across cluster slots.
public struct QueueName: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) throws(GantryError) {
        guard Self.isValid(rawValue) else {
            throw GantryError(
                .invalidQueueName,
                "queue name '\(rawValue)' must be 1-64 characters of letters, digits, '_', '.', '-'")
        }
        self.rawValue = rawValue
    }

    /// For literals in code; an invalid literal is a programming error.
    public init(stringLiteral value: String) {
        precondition(Self.isValid(value), "invalid queue name literal '\(value)'")
        self.rawValue = value
    }

    public static let `default`: QueueName = "default"

    public var description: String { rawValue }

    static func isValid(_ s: String) -> Bool {
        guard (1...64).contains(s.utf8.count) else { return false }
        return s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x5F || c == 0x2E || c == 0x2D
        }
    }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        try self.init(s)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
