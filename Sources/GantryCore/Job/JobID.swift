import Foundation

/// A job's identity: a UUIDv7, so IDs sort by creation time (useful in Redis lists, logs and
/// PostgreSQL indexes) and need no coordination between producers.
public struct JobID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let uuid: UUID

    public init(uuid: UUID) { self.uuid = uuid }

    /// A new time-ordered ID (RFC 9562 version 7: 48-bit Unix milliseconds, then random bits).
    public init(timestampMilliseconds: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) {
        var rng = SystemRandomNumberGenerator()
        let rand: UInt64 = rng.next()
        let rand2: UInt64 = rng.next()
        let ms = timestampMilliseconds
        uuid = UUID(uuid: (
            UInt8(truncatingIfNeeded: ms >> 40), UInt8(truncatingIfNeeded: ms >> 32),
            UInt8(truncatingIfNeeded: ms >> 24), UInt8(truncatingIfNeeded: ms >> 16),
            UInt8(truncatingIfNeeded: ms >> 8), UInt8(truncatingIfNeeded: ms),
            0x70 | UInt8(truncatingIfNeeded: rand >> 60), UInt8(truncatingIfNeeded: rand >> 52),
            0x80 | (UInt8(truncatingIfNeeded: rand >> 44) & 0x3F), UInt8(truncatingIfNeeded: rand >> 36),
            UInt8(truncatingIfNeeded: rand2), UInt8(truncatingIfNeeded: rand2 >> 8),
            UInt8(truncatingIfNeeded: rand2 >> 16), UInt8(truncatingIfNeeded: rand2 >> 24),
            UInt8(truncatingIfNeeded: rand2 >> 32), UInt8(truncatingIfNeeded: rand2 >> 40)
        ))
    }

    /// Parses the canonical lower- or upper-case form; nil for anything else.
    public init?(_ string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.uuid = uuid
    }

    /// The canonical lower-case form used in Redis keys and PostgreSQL.
    public var description: String { uuid.uuidString.lowercased() }

    /// Milliseconds since 1970 encoded in a version 7 ID.
    public var timestampMilliseconds: UInt64 {
        let b = uuid.uuid
        return [b.0, b.1, b.2, b.3, b.4, b.5].reduce(0) { $0 << 8 | UInt64($1) }
    }

    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let id = JobID(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a job id: \(s)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
