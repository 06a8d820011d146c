/// Amounts as legacy exports and spreadsheets write them: `1234.5`, `1,234.50`, `¥1,234.50`,
/// `1,234.50元`, `CNY 1234.5`, `1234.5 USD`, `US$1,000`, `€99`.
///
/// The marker is stripped and remembered: a row whose currency column is blank takes the currency
/// the amount names, and a row whose currency column names another is refused (an amount of
/// `¥100` in a USD deal is a mistake somewhere, and converting it is not an import's job).
extension RowNormaliser {
    /// A normalised amount and the currencies its marker allows, the first being the one taken
    /// when the row names none (`¥` is the yuan's sign and the yen's: CNY unless the row says JPY).
    struct Money: Sendable, Hashable {
        var value: String
        var currencies: [String]
    }

    /// Signs written before the number, longest first so `US$` is not read as `$`.
    private static let prefixes: [(marker: String, currencies: [String])] = [
        ("人民币", ["CNY"]), ("US$", ["USD"]), ("HK$", ["HKD"]), ("S$", ["SGD"]), ("A$", ["AUD"]), ("C$", ["CAD"]),
        ("¥", ["CNY", "JPY"]), ("￥", ["CNY", "JPY"]), ("$", ["USD", "HKD", "SGD", "AUD", "CAD", "NZD", "TWD"]),
        ("€", ["EUR"]), ("£", ["GBP"]),
    ]

    /// Units written after the number.
    private static let suffixes: [(marker: String, currencies: [String])] = [
        ("人民币", ["CNY"]), ("美元", ["USD"]), ("港元", ["HKD"]), ("港币", ["HKD"]), ("欧元", ["EUR"]),
        ("日元", ["JPY"]), ("英镑", ["GBP"]), ("元", ["CNY"]),
    ]

    static func amount(_ raw: String) -> Result<String, Reason> {
        money(raw).map(\.value)
    }

    static func money(_ raw: String) -> Result<Money, Reason> {
        var rest = Substring(raw)
        var sign = ""
        if let first = rest.first, first == "-" || first == "+" {
            sign = String(first)
            rest = rest.dropFirst()
        }
        var named: [[String]] = []
        if let prefix = prefixes.first(where: { rest.hasPrefix($0.marker) }) {
            named.append(prefix.currencies)
            rest = rest.dropFirst(prefix.marker.count)
        } else if let code = isoCode(rest.prefix(3)), rest.count > 3, !isLetter(rest.dropFirst(3).first!) {
            named.append([code])
            rest = rest.dropFirst(3)
        }
        rest = trimmed(rest)
        if let suffix = suffixes.first(where: { rest.hasSuffix($0.marker) }) {
            named.append(suffix.currencies)
            rest = rest.dropLast(suffix.marker.count)
        } else if rest.count > 3, let code = isoCode(rest.suffix(3)), !isLetter(rest.dropLast(3).last!) {
            named.append([code])
            rest = rest.dropLast(3)
        }
        var currencies = named.first ?? []
        if named.count == 2 {
            currencies = named[0].filter(named[1].contains)
            guard !currencies.isEmpty else {
                return .failure(Reason("'\(raw)' names two currencies (\(named[0][0]) and \(named[1][0]))"))
            }
        }
        return number(sign + trimmed(rest), raw: raw).map { Money(value: $0, currencies: currencies) }
    }

    /// Three ASCII letters as an upper-case ISO 4217 code; RMB, the yuan's everyday name, is CNY.
    private static func isoCode(_ text: Substring) -> String? {
        guard text.count == 3, text.unicodeScalars.count == 3,
            text.unicodeScalars.allSatisfy({ $0.isASCII && isLetter(Character($0)) })
        else { return nil }
        let code = text.uppercased()
        return code == "RMB" ? "CNY" : code
    }

    private static func isLetter(_ character: Character) -> Bool {
        character.isASCII && character.isLetter
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// Non-negative decimal money with at most 2 decimal places and 12 integer digits; thousands
    /// separators (`,`) and spaces dropped; normalised to exactly 2 decimals.
    private static func number(_ text: String, raw: String) -> Result<String, Reason> {
        var integer: [UInt8] = []
        var fraction: [UInt8] = []
        var seenDot = false
        for (index, byte) in text.utf8.enumerated() {
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
                return .failure(
                    Reason("'\(raw)' is not an amount (digits and one decimal point, with an optional ¥, 元 or currency code)"))
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
}
