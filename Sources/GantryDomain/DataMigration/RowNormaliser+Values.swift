/// The per-type rules of `RowNormaliser`, each returning the normalised text or why it is refused.
extension RowNormaliser {
    static func text(_ raw: String, maxLength: Int) -> Result<String, Reason> {
        // Code points, as PostgreSQL's length() counts them: a Character can hold any number of
        // combining marks, so counting Characters let a 6 KB "one character" key through to an
        // index that refuses entries over about 2.7 KB. UTF-8 length bounds the count from above.
        if raw.utf8.count > maxLength && raw.unicodeScalars.count > maxLength {
            return .failure(Reason("is longer than \(maxLength) characters"))
        }
        return .success(raw)
    }

    static func email(_ raw: String) -> Result<String, Reason> {
        let value = raw.lowercased()
        let bytes = Array(value.utf8)
        guard bytes.count <= 254 else { return .failure(Reason("is longer than 254 characters")) }
        // The table's CHECK refuses `[:space:]`, whose meaning beyond ASCII depends on the server's
        // locale (glibc counts U+3000, U+2028 and others); refusing every Unicode space, separator,
        // control and invisible format character is stricter than any locale.
        if let space = value.unicodeScalars.first(where: isSpaceLike) {
            return .failure(Reason("'\(raw)' is not an e-mail address (it contains the space or control \(name(space)))"))
        }
        var at: Int?
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "@") {
            guard at == nil else { return .failure(Reason("'\(raw)' is not an e-mail address (two @)")) }
            at = index
        }
        guard let at, at > 0, at < bytes.count - 1 else {
            return .failure(Reason("'\(raw)' is not an e-mail address (no local part, @ or domain)"))
        }
        let domain = bytes[(at + 1)...]
        guard let dot = domain.lastIndex(of: UInt8(ascii: ".")), dot > domain.startIndex, dot < bytes.count - 1 else {
            return .failure(Reason("'\(raw)' is not an e-mail address (the domain has no dot)"))
        }
        return .success(value)
    }

    private static func isSpaceLike(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    static func phone(_ raw: String) -> Result<String, Reason> {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        var digits = 0
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(byte)
                digits += 1
            case UInt8(ascii: "+") where out.isEmpty:
                out.append(byte)
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"),
                UInt8(ascii: "/"):
                continue
            default:
                return .failure(Reason("'\(raw)' is not a phone number (only digits, spaces and + - . ( ) /)"))
            }
        }
        guard (7...15).contains(digits) else {
            return .failure(Reason("'\(raw)' is not a phone number (it has \(digits) digits, 7 to 15 expected)"))
        }
        return .success(String(decoding: out, as: UTF8.self))
    }

    static func choice(_ raw: String, values: [String], aliases: [String: String]) -> Result<String, Reason> {
        let key = raw.lowercased()
        if values.contains(key) { return .success(key) }
        let underscored = String(key.map { $0 == " " || $0 == "-" ? "_" : $0 })
        if values.contains(underscored) { return .success(underscored) }
        if let mapped = aliases[key] { return .success(mapped) }
        return .failure(Reason("'\(raw)' is not one of \(values.joined(separator: ", "))"))
    }

    /// `YYYY-MM-DD` or `YYYY/MM/DD`, a real calendar day.
    static func date(_ raw: String) -> Result<String, Reason> {
        let bytes = Array(raw.utf8)
        guard bytes.count == 10, let day = parseDate(bytes[...]) else {
            return .failure(Reason("'\(raw)' is not a date (YYYY-MM-DD expected)"))
        }
        return .success(formatDate(day.year, day.month, day.day))
    }

    static func amount(_ raw: String) -> Result<String, Reason> {
        var integer: [UInt8] = []
        var fraction: [UInt8] = []
        var seenDot = false
        for (index, byte) in raw.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if seenDot { fraction.append(byte) } else { integer.append(byte) }
            case UInt8(ascii: "."):
                guard !seenDot else { return .failure(Reason("'\(raw)' is not an amount (two decimal points)")) }
                seenDot = true
            case UInt8(ascii: ",") where !seenDot, UInt8(ascii: " ") where !seenDot:
                continue
            case UInt8(ascii: "+") where index == 0:
                continue
            case UInt8(ascii: "-") where index == 0:
                return .failure(Reason("'\(raw)' is negative; amounts must be zero or more"))
            default:
                return .failure(Reason("'\(raw)' is not an amount (digits and one decimal point expected)"))
            }
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return .failure(Reason("'\(raw)' is not an amount")) }
        guard fraction.count <= 2 else { return .failure(Reason("'\(raw)' has more than 2 decimal places")) }
        while integer.count > 1 && integer.first == UInt8(ascii: "0") { integer.removeFirst() }
        if integer.isEmpty { integer = [UInt8(ascii: "0")] }
        guard integer.count <= 12 else { return .failure(Reason("'\(raw)' is too large (at most 12 integer digits)")) }
        while fraction.count < 2 { fraction.append(UInt8(ascii: "0")) }
        return .success(String(decoding: integer + [UInt8(ascii: ".")] + fraction, as: UTF8.self))
    }

    static func currency(_ raw: String) -> Result<String, Reason> {
        // Checked before upper-casing, which turns "ß" into "SS".
        let bytes = Array(raw.utf8)
        guard bytes.count == 3,
            bytes.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0 & 0xDF) && $0 < 0x80 })
        else {
            return .failure(Reason("'\(raw)' is not an ISO 4217 currency code (three letters)"))
        }
        return .success(String(decoding: bytes.map { $0 & 0xDF }, as: UTF8.self))
    }

    /// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:]MM]`, normalised to `YYYY-MM-DDTHH:MM:SS±HH:MM`;
    /// no offset means UTC, a date alone means its midnight UTC.
    static func timestamp(_ raw: String) -> Result<String, Reason> {
        let bytes = Array(raw.utf8)
        let invalid = Result<String, Reason>.failure(
            Reason("'\(raw)' is not a timestamp (YYYY-MM-DDTHH:MM:SS with an optional offset expected)"))
        guard bytes.count >= 10, let date = parseDate(bytes[0..<10]) else { return invalid }
        var hour = 0, minute = 0, second = 0
        var offset = "+00:00"
        var i = 10
        func number(_ width: Int) -> Int? {
            guard i + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[i..<(i + width)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            i += width
            return value
        }
        if i < bytes.count {
            guard bytes[i] == UInt8(ascii: "T") || bytes[i] == UInt8(ascii: " ") else { return invalid }
            i += 1
            guard let h = number(2), i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return invalid }
            i += 1
            guard let m = number(2), h < 24, m < 60 else { return invalid }
            hour = h
            minute = m
            if i < bytes.count, bytes[i] == UInt8(ascii: ":") {
                i += 1
                guard let s = number(2), s < 60 else { return invalid }
                second = s
                if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                    i += 1
                    while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
                }
            }
            if i < bytes.count {
                if bytes[i] == UInt8(ascii: "Z") && i == bytes.count - 1 {
                    i += 1
                } else if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                    let sign = bytes[i]
                    i += 1
                    guard let oh = number(2), oh <= 14 else { return invalid }
                    if i < bytes.count, bytes[i] == UInt8(ascii: ":") { i += 1 }
                    guard let om = number(2), om < 60 else { return invalid }
                    offset = "\(Character(UnicodeScalar(sign)))\(pad(oh)):\(pad(om))"
                } else {
                    return invalid
                }
            }
            guard i == bytes.count else { return invalid }
        }
        return .success("\(formatDate(date.year, date.month, date.day))T\(pad(hour)):\(pad(minute)):\(pad(second))\(offset)")
    }

    private static func parseDate(_ bytes: ArraySlice<UInt8>) -> (year: Int, month: Int, day: Int)? {
        guard bytes.count >= 10 else { return nil }
        let b = Array(bytes.prefix(10))
        let separator = b[4]
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/"), b[7] == separator else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[index]) else { return nil }
                value = value * 10 + Int(b[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
            year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        return (year, month, day)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func formatDate(_ year: Int, _ month: Int, _ day: Int) -> String {
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + pad(month) + "-" + pad(day)
    }
}

extension String {
    /// `trimmingWhitespace()` with a fast path for the common value that needs no trimming.
    func trimmingWhitespaceFast() -> String {
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last else { return self }
        func plain(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x80 }
        if plain(first) && plain(last) { return self }
        return trimmingWhitespace()
    }
}
