/// One column an import writes: its table column, how a source value is checked and normalised,
/// and the header each export profile gives it.
public struct ImportField: Sendable, Hashable {
    /// The table column, for example `email`.
    public var column: String
    public var kind: Kind
    public var isRequired: Bool
    /// Headers per profile, compared case-insensitively after trimming. The gantry profile always
    /// accepts the column name itself.
    public var headers: [ImportProfile: [String]]

    public enum Kind: Sendable, Hashable {
        /// Trimmed text; blank is absent. Longer than `maxLength` code points (PostgreSQL's
        /// `length()`) is rejected.
        case text(maxLength: Int)
        /// Trimmed, lower-cased, one `@`, no spaces (no Unicode space, separator, control or format
        /// character either), a dot inside the domain, at most 254 bytes.
        case email
        /// Digits only, with a leading `+` kept; 7 to 15 digits (E.164's maximum); separators dropped.
        case phone
        /// One of `values`; the source value is matched case-insensitively against the values
        /// and the `aliases` (legacy spellings, for example Salesforce's "Closed Won").
        case choice(values: [String], aliases: [String: String])
        /// A calendar day, year first (`2024-03-05`, `2024/3/5`, `2024.3.5`, `2024年3月5日`), checked
        /// against the calendar and normalised to `YYYY-MM-DD`.
        case date
        /// Non-negative decimal money with at most 2 decimal places and 12 integer digits;
        /// thousands separators (`,`) and spaces dropped, a currency sign or unit (`¥`, `元`, `CNY`)
        /// dropped and checked against the row's currency; normalised to exactly 2 decimals.
        case amount
        /// ISO 4217 code: three letters, upper-cased.
        case currency
        /// A date as above and a time, with an offset (`Z`, `+hh:mm`); without one it is in the
        /// profile's `defaultUTCOffset` (UTC, or +08:00 for Fxiaoke).
        case timestamp
        /// The external id of another record of `entity` in the same project; checked in the
        /// database at merge time (it may have been loaded by an earlier import).
        case reference(ImportEntity)
    }

    public init(_ column: String, _ kind: Kind, required: Bool = false, headers: [ImportProfile: [String]] = [:]) {
        self.column = column
        self.kind = kind
        self.isRequired = required
        var headers = headers
        headers[.gantry, default: []].insert(column, at: 0)
        self.headers = headers
    }

    /// The PostgreSQL type the staged text is cast to.
    public var sqlType: String {
        switch kind {
        case .text, .email, .phone, .choice, .reference: "text"
        case .date: "date"
        case .amount: "numeric(14, 2)"
        case .currency: "char(3)"
        case .timestamp: "timestamptz"
        }
    }
}
