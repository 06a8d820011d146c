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
}
