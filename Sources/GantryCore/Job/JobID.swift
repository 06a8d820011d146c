import FoundationEssentials
import Glibc
import Synchronization

/// A job's identity: a UUIDv7, so IDs sort by creation time (useful in Redis lists, logs and
/// PostgreSQL indexes) and need no coordination between producers.
public struct JobID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let uuid: UUID

    public init(uuid: UUID) { self.uuid = uuid }

    /// A new time-ordered ID (RFC 9562 version 7: 48-bit Unix milliseconds, then random bits).
    public init(timestampMilliseconds: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) {
        let (r1, r2) = JobIDRandom.next()
        self.init(timestampMilliseconds: timestampMilliseconds, bits: r1, r2)
    }

    /// A version-7 ID with the given 48-bit time and the given bits in place of the random ones: the
    /// same input gives the same ID (a schedule's firing derives its job's ID this way).
    public init(timestampMilliseconds ms: UInt64, bits r1: UInt64, _ r2: UInt64) {
        uuid = UUID(uuid: (
            UInt8(truncatingIfNeeded: ms >> 40), UInt8(truncatingIfNeeded: ms >> 32),
            UInt8(truncatingIfNeeded: ms >> 24), UInt8(truncatingIfNeeded: ms >> 16),
            UInt8(truncatingIfNeeded: ms >> 8), UInt8(truncatingIfNeeded: ms),
            0x70 | UInt8(truncatingIfNeeded: r1 >> 60), UInt8(truncatingIfNeeded: r1 >> 52),
            0x80 | (UInt8(truncatingIfNeeded: r1 >> 44) & 0x3F), UInt8(truncatingIfNeeded: r1 >> 36),
            UInt8(truncatingIfNeeded: r2), UInt8(truncatingIfNeeded: r2 >> 8),
            UInt8(truncatingIfNeeded: r2 >> 16), UInt8(truncatingIfNeeded: r2 >> 24),
            UInt8(truncatingIfNeeded: r2 >> 32), UInt8(truncatingIfNeeded: r2 >> 40)
        ))
    }

    /// Parses the canonical 8-4-4-4-12 hex form, lower or upper case; nil for anything else.
    public init?(_ string: String) {
        var s = string
        let parsed: UUID?? = s.withUTF8 { utf8 -> UUID? in
            guard utf8.count == 36 else { return nil }
            var bytes = [UInt8](repeating: 0, count: 16)
            var k = 0
            var i = 0
            while i < 36 {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard utf8[i] == UInt8(ascii: "-") else { return nil }
                    i += 1
                    continue
                }
                guard let hi = Self.nibble(utf8[i]), let lo = Self.nibble(utf8[i + 1]) else { return nil }
                bytes[k] = hi << 4 | lo
                k += 1
                i += 2
            }
            return UUID(uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
        guard let parsed, let uuid = parsed else { return nil }
        self.uuid = uuid
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - 0x30
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - 0x61 + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - 0x41 + 10
        default: nil
        }
    }

    /// The canonical lower-case form used in Redis keys and PostgreSQL.
    public var description: String {
        // Formatted by hand: Foundation's uuidString goes through printf and shows up in profiles.
        let hex: StaticString = "0123456789abcdef"
        return withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for (k, byte) in raw.enumerated() {
                    if k == 4 || k == 6 || k == 8 || k == 10 {
                        out[o] = UInt8(ascii: "-")
                        o += 1
                    }
                    out[o] = hex.utf8Start[Int(byte >> 4)]
                    out[o + 1] = hex.utf8Start[Int(byte & 0x0F)]
                    o += 2
                }
                return 36
            }
        }
    }

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

/// Random bits for new IDs from a SplitMix64 stream seeded once from the system: one
/// `getrandom` per process instead of one per job. IDs need uniqueness, not secrecy.
enum JobIDRandom {
    private static let state: Mutex<UInt64> = {
        var system = SystemRandomNumberGenerator()
        return Mutex(system.next())
    }()

    static func next() -> (UInt64, UInt64) {
        state.withLock { s in
            (mix(&s), mix(&s))
        }
    }

    private static func mix(_ s: inout UInt64) -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
