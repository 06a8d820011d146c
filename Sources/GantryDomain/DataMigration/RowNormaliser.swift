/// Validates and normalises source records for one file: required fields, e-mail and phone shape,
/// picklist values, dates, timestamps, amounts and currencies (in the forms of
/// `RowNormaliser+Dates.swift` and `RowNormaliser+Money.swift`, for every profile); trims every value and lower-cases
/// e-mails, so that equal data is stored equally and a re-import finds it unchanged.
///
/// Whatever it accepts the tables take: it is at least as strict as every CHECK on the CRM tables
/// (GantrySchema migration 3: non-blank names, the e-mail pattern and length, picklists, money,
/// currency codes, an amount's currency) and as PostgreSQL's types (no NUL, dates and timestamps
/// in range, `numeric(14, 2)`, `char(3)`), and keeps keys short enough for their indexes. A row it
/// would let through and PostgreSQL refuse would fail its whole batch, so a stricter rule here is
/// always the fix; `RowNormaliserFuzzTests` checks the CHECKs against random rows.
///
/// References to other records are only checked for shape here; whether they exist is a question
/// for the database, asked for the whole batch at once when it is merged.
public struct RowNormaliser: Sendable {
    public let mapping: ColumnMapping
    private let fields: [ImportField]

    public init(mapping: ColumnMapping) {
        self.mapping = mapping
        self.fields = mapping.entity.fields
    }

    public func normalise(_ record: [String]) -> RowVerdict {
        guard record.count == mapping.width else {
            let id = mapping.indices[0].flatMap { $0 < record.count ? record[$0].trimmingWhitespace() : nil }
            return .rejected(
                column: nil,
                reason: "the record has \(record.count) field(s), the header \(mapping.width)",
                externalID: id?.isEmpty == false ? id : nil)
        }
        var values: [String?] = []
        values.reserveCapacity(fields.count)
        var externalID: String?
        var amountCurrencies: [String] = []
        for (position, field) in fields.enumerated() {
            let raw = mapping.indices[position].map { record[$0].trimmingWhitespace() } ?? ""
            if position == 0 { externalID = raw.isEmpty ? nil : raw }
            guard !raw.isEmpty else {
                if field.isRequired {
                    return .rejected(column: mapping.headerNames[position], reason: "is required", externalID: externalID)
                }
                values.append(nil)
                continue
            }
            if case .amount = field.kind, case .success(let money) = Self.money(raw) {
                amountCurrencies = money.currencies
            }
            switch Self.normalise(raw, as: field, profile: mapping.profile) {
            case .success(let value):
                values.append(value)
            case .failure(let reason):
                return .rejected(column: mapping.headerNames[position], reason: reason.message, externalID: externalID)
            }
        }
        if let reason = currencyRule(&values, amountCurrencies: amountCurrencies) { return reason }
        return .accepted(values)
    }

    /// An amount needs its currency (it cannot be summed otherwise): the row's currency column,
    /// else the one the amount names (`¥`, `元`, `CNY`), else the profile's (Fxiaoke: CNY). An
    /// amount that names another currency than the column is refused, never converted.
    private func currencyRule(_ values: inout [String?], amountCurrencies: [String]) -> RowVerdict? {
        guard let amount = fields.firstIndex(where: { $0.kind == .amount }),
            let currency = fields.firstIndex(where: { $0.kind == .currency }),
            values[amount] != nil
        else { return nil }
        if let given = values[currency] {
            guard amountCurrencies.isEmpty || amountCurrencies.contains(given) else {
                let named = amountCurrencies.count == 1 ? amountCurrencies[0] : amountCurrencies.joined(separator: " or ")
                return .rejected(
                    column: mapping.headerNames[amount],
                    reason: "is in \(named) but \(mapping.headerNames[currency]) says \(given)", externalID: values[0])
            }
            return nil
        }
        guard let inferred = amountCurrencies.first ?? mapping.profile.defaultCurrency else {
            return .rejected(
                column: mapping.headerNames[currency], reason: "is required when an amount is given", externalID: values[0])
        }
        values[currency] = inferred
        return nil
    }

    /// NUL (PostgreSQL's text refuses it) and the other C0 controls and DEL except tab, LF and CR:
    /// the same rule as `GantryCore.ControlCharacters`, which this module cannot import.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar.value != 0x09 && scalar.value != 0x0A && scalar.value != 0x0D)
            || scalar.value == 0x7F
    }

    /// How a scalar is named in a reason: `U+000B`.
    static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    struct Reason: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func normalise(_ raw: String, as field: ImportField, profile: ImportProfile = .gantry) -> Result<String, Reason> {
        if let control = raw.unicodeScalars.first(where: isControl) {
            return .failure(Reason("holds the control character \(name(control)), which no CRM field means"))
        }
        switch field.kind {
        case .text(let maxLength):
            return text(raw, maxLength: maxLength)
        case .reference:
            return text(raw, maxLength: 255)
        case .email: return email(raw)
        case .phone: return phone(raw)
        case .choice(let values, let aliases): return choice(raw, values: values, aliases: aliases)
        case .date: return date(raw)
        case .amount: return amount(raw)
        case .currency: return currency(raw)
        case .timestamp: return timestamp(raw, defaultOffset: profile.defaultUTCOffset)
        }
    }
}
