import FoundationEssentials
import Glibc

/// Byte-level encoding and text parsing shared by the built-in conformances.
enum PostgresWire {
    /// 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix seconds.
    static let postgresEpoch: TimeInterval = 946_684_800

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

    /// Parses ISO output of `timestamptz`, `timestamp` and `date`:
    /// `YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH[:MM[:SS]]][ BC]`, plus `infinity` / `-infinity`.
    static func parseTimestamp(_ bytes: [UInt8]) -> Date? {
        switch String(decoding: bytes, as: UTF8.self) {
        case "infinity": return .distantFuture
        case "-infinity": return .distantPast
        default: break
        }
        var index = 0
        func number(maxDigits: Int = 2, minDigits: Int = 2) -> Int? {
            var value = 0
            var count = 0
            while index < bytes.count, count < maxDigits, bytes[index] &- UInt8(ascii: "0") < 10 {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
                count += 1
            }
            return count >= minDigits ? value : nil
        }
        func expect(_ c: Character) -> Bool {
            guard index < bytes.count, bytes[index] == c.asciiValue else { return false }
            index += 1
            return true
        }
        guard var year = number(maxDigits: 9, minDigits: 4), expect("-"), let month = number(), expect("-"),
            let day = number()
        else { return nil }
        var seconds = 0
        var fraction = 0.0
        var offset = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "T"),
            index + 1 < bytes.count, bytes[index + 1] &- UInt8(ascii: "0") < 10
        {
            index += 1
            guard let hour = number(), expect(":"), let minute = number(), expect(":"), let second = number() else {
                return nil
            }
            seconds = hour * 3600 + minute * 60 + second
            if expect(".") {
                var scale = 0.1
                while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                    fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    index += 1
                }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let hours = number() else { return nil }
                var total = hours * 3600
                if expect(":") {
                    guard let minutes = number() else { return nil }
                    total += minutes * 60
                    if expect(":") {
                        guard let secs = number() else { return nil }
                        total += secs
                    }
                }
                offset = sign * total
            }
        }
        if index + 3 == bytes.count, String(decoding: bytes[index...], as: UTF8.self) == " BC" {
            year = 1 - year
            index += 3
        }
        guard index == bytes.count, (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let unixSeconds = days * 86_400 + seconds - offset
        return Date(timeIntervalSince1970: TimeInterval(unixSeconds) + fraction)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
