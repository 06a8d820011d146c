import FoundationEssentials
import Glibc

/// Byte-level encoding and text parsing shared by the built-in conformances.
enum PostgresWire {
    static func bigEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    static func decodingError(_ bytes: [UInt8], _ dataType: PostgresDataType, _ type: Any.Type) -> PostgresError {
        let preview = String(decoding: bytes.prefix(64), as: UTF8.self)
        return PostgresError(
            code: .decoding, message: "cannot decode \(dataType) value '\(preview)' as \(type)")
    }

    static func requireText(_ format: PostgresFormat, _ type: Any.Type) throws {
        guard format == .text else {
            throw PostgresError(code: .decoding, message: "binary-format results are not supported for \(type)")
        }
    }

    static func decodeInteger<T: FixedWidthInteger>(
        _ bytes: [UInt8], dataType: PostgresDataType, format: PostgresFormat, as type: T.Type
    ) throws -> T {
        if format == .binary {
            var value: Int64
            switch bytes.count {
            case 2: value = Int64(Int16(bitPattern: UInt16(bytes[0]) << 8 | UInt16(bytes[1])))
            case 4: value = Int64(Int32(bitPattern: bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }))
            case 8: value = Int64(bitPattern: bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            default: throw decodingError(bytes, dataType, type)
            }
            guard let result = T(exactly: value) else { throw decodingError(bytes, dataType, type) }
            return result
        }
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < bytes.count else { throw decodingError(bytes, dataType, type) }
        var result: T = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw decodingError(bytes, dataType, type) }
            let (shifted, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (next, overflow2) =
                negative
                ? shifted.subtractingReportingOverflow(T(digit)) : shifted.addingReportingOverflow(T(digit))
            guard !overflow1, !overflow2 else { throw decodingError(bytes, dataType, type) }
            result = next
            index += 1
        }
        return result
    }

    static func decodeHexBytea(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var result = [UInt8]()
        result.reserveCapacity(bytes.count / 2 - 1)
        var index = 2
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }
}
