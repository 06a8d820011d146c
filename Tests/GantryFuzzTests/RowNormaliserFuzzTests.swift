import GantryDomain
import PropertyBased
import Testing

/// Random rows through `RowNormaliser`: it never traps, and every row it accepts satisfies what the
/// CRM tables (GantrySchema migration 3) and PostgreSQL's types would check, written here as pure
/// predicates. `MigrationHardeningTests` loads the hostile values into a real server as well.
@Suite struct RowNormaliserFuzzTests {
    /// Pieces values are built from: shapes the rules look for (e-mails, dates, amounts, codes) and
    /// what breaks them (every kind of space, controls, combining marks, case-changing letters).
    static let pieces: [String] = [
        "a", "Z", "0", "9", "12", "2026", "-", "/", ":", ".", ",", "+", "@", "T", "Z", " ", "  ", "\t", "\n", "\r",
        "\u{0}", "\u{0B}", "\u{0C}", "\u{1F}", "\u{7F}", "\u{85}", "\u{A0}", "\u{1680}", "\u{180E}", "\u{2007}",
        "\u{200B}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{3000}", "\u{FEFF}", "\u{301}", "ß", "İ", "ﬀ", "é", "😀", "\"",
        "anna@example.com", "x@y.z", "2026-02-28", "2028-02-29", "0001-01-01", "9999-12-31", "T23:59:59", "+14:00",
        "-14:59", "Z", ".999", "1,234.50", "999999999999.99", "EUR", "usd", "closed won", "Closed - Converted",
        "prospecting", "call", "Event", "new", String(repeating: "\u{301}", count: 300), String(repeating: "x", count: 256),
        // The amount and date forms of Chinese exports.
        "¥", "￥", "元", "CNY ", "US$", "年", "月", "日", "2024年3月5日", "2024/3/5", "9:05",
    ]

    static func values(_ count: ClosedRange<Int>) -> Generator<[String], some SendableSequenceType> {
        Gen.int(in: 0...(pieces.count - 1)).array(of: 0...4).map { $0.map { pieces[$0] }.joined() }.array(of: count)
    }

    /// A value the field accepts, in a form the normaliser has to change.
    static func valid(_ field: ImportField) -> String {
        switch field.kind {
        case .text, .reference: " Acme 24\" "
        case .email: "Anna@Example.com"
        case .phone: "+44 20 7946 0000"
        case .choice(let values, _): values[0].uppercased()
        case .date: "2026/02/28"
        case .amount: "1,234.5"
        case .currency: "eur"
        case .timestamp: "2026-03-02 09:30:15.250+0530"
        }
    }

    /// Whether `value`, accepted for `field`, is what the table's CHECK and column type take.
    static func violation(_ value: String, _ field: ImportField) -> String? {
        if value.unicodeScalars.contains("\u{0}") { return "holds NUL" }
        // Keys must fit a btree index entry (about 2.7 KB): 255 code points are at most 1,020 bytes.
        if field.column.hasSuffix("external_id") && value.utf8.count > 1_020 { return "too long for its index" }
        if field.isRequired && value.allSatisfy({ $0 == " " }) { return "blank for btrim(…) <> ''" }
        switch field.kind {
        case .text(let maxLength):
            return value.unicodeScalars.count <= maxLength ? nil : "over \(maxLength) code points"
        case .reference:
            return value.unicodeScalars.count <= 255 ? nil : "over 255 code points"
        case .email:
            // ^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$ with length <= 254, where [:space:] is any
            // locale's: taken as every Unicode space, separator, control and format character.
            func isSpace(_ s: Unicode.Scalar) -> Bool {
                s.properties.isWhitespace
                    || [.control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator]
                        .contains(s.properties.generalCategory)
            }
            let scalars = Array(value.unicodeScalars)
            guard scalars.count <= 254, !scalars.contains(where: isSpace) else { return "space or too long" }
            let parts = scalars.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { return "not one @ with a local part" }
            let domain = Array(parts[1])
            guard domain.indices.contains(where: { $0 > 0 && $0 < domain.count - 1 && domain[$0] == "." }) else {
                return "no dot inside the domain"
            }
            return value == value.lowercased() ? nil : "not lower case"
        case .phone:
            return value.utf8.allSatisfy { $0 == UInt8(ascii: "+") || (0x30...0x39).contains($0) } ? nil : "not digits"
        case .choice(let values, _):
            return values.contains(value) ? nil : "not one of \(values)"
        case .date:
            return isDate(Array(value.utf8)[...]) && value.utf8.count == 10 ? nil : "not a date PostgreSQL reads"
        case .amount:
            let parts = value.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, (1...12).contains(parts[0].count), parts[1].count == 2,
                (parts[0] + parts[1]).allSatisfy(\.isASCII), (parts[0] + parts[1]).allSatisfy(\.isNumber)
            else { return "not numeric(14, 2) >= 0" }
            return nil
        case .currency:
            return value.utf8.count == 3 && value.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) ? nil : "not ^[A-Z]{3}$"
        case .timestamp:
            // YYYY-MM-DDTHH:MM:SS±HH:MM
            let b = Array(value.utf8)
            guard b.count == 25, isDate(b[0..<10]), b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"),
                b[16] == UInt8(ascii: ":"), b[19] == UInt8(ascii: "+") || b[19] == UInt8(ascii: "-"),
                b[22] == UInt8(ascii: ":"),
                let h = number(b[11..<13]), let m = number(b[14..<16]), let s = number(b[17..<19]),
                let oh = number(b[20..<22]), let om = number(b[23..<25]), h < 24, m < 60, s < 60, oh <= 15, om < 60
            else { return "not a timestamptz PostgreSQL reads" }
            return nil
        }
    }

    static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    static func isDate(_ b: ArraySlice<UInt8>) -> Bool {
        let b = Array(b)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let y = number(b[0..<4]), let m = number(b[5..<7]), let d = number(b[8..<10]), y >= 1, (1...12).contains(m)
        else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return (1...days).contains(d)
    }

    @Test(arguments: ImportEntity.allCases)
    func acceptedRowsSatisfyEveryCheckOfTheirTable(entity: ImportEntity) throws {
        let fields = entity.fields
        let mapping = try ColumnMapping(header: fields.map(\.column), entity: entity, profile: .gantry)
        let normaliser = RowNormaliser(mapping: mapping)
        var accepted = 0
        // Each field is random one time in four, otherwise a valid value, so that rows with one or two
        // hostile fields (the interesting ones) are common and many rows are accepted.
        let rows = zip(Self.values(fields.count...fields.count), Gen.int(in: 0...3).array(of: fields.count))
        seededCheck(seed: 0x0A11_0000 + UInt64(fields.count), quick: 3_000, input: rows) { random, mask in
            let record = fields.indices.map { mask[$0] == 0 ? random[$0] : Self.valid(fields[$0]) }
            guard case .accepted(let values) = normaliser.normalise(record) else { return nil }
            accepted += 1
            guard values.count == fields.count else { return "\(values.count) values for \(fields.count) fields" }
            for (value, field) in zip(values, fields) {
                guard let value else {
                    if field.isRequired { return "\(field.column) is required but absent" }
                    continue
                }
                if let why = Self.violation(value, field) { return "\(field.column) '\(value)': \(why)" }
            }
            // deals: CHECK (amount IS NULL OR currency IS NOT NULL)
            if entity == .deals, values[3] != nil, values[4] == nil { return "an amount without a currency" }
            return nil
        }
        // The generator must reach acceptance, or the property says nothing.
        #expect(accepted > 0)
    }

    /// The values of issue 10 and their neighbours, kept as regression cases.
    @Test(arguments: [
        "a\u{0B}b@example.com", "a\u{0C}b@example.com", "a\u{3000}b@example.com", "a\u{2028}b@example.com",
        "a\u{A0}b@example.com", "a\u{85}b@example.com", "a\u{200B}b@example.com", "a\u{0}b@example.com",
        "ab@example.com\u{180E}",
    ])
    func emailsWithAnySpaceOrControlAreRejected(email: String) throws {
        let mapping = try ColumnMapping(header: ["external_id", "last_name", "email"], entity: .contacts, profile: .gantry)
        guard case .rejected(let column, _, _) = RowNormaliser(mapping: mapping).normalise(["C1", "Smith", email]) else {
            Issue.record("\(email.debugDescription) was accepted")
            return
        }
        #expect(column == "email")
    }
}
