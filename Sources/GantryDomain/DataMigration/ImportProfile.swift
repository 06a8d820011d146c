/// The shape of a legacy export: which header names the columns carry.
///
/// - `gantry`: Gantry's own column names (`external_id`, `account_external_id`, …).
/// - `salesforce`: Salesforce data-export API names (`Id`, `AccountId`, `LastName`, `StageName`, …).
/// - `zoho`: Zoho CRM export labels (`Record Id`, `Account Id`, `Last Name`, `Stage`, …).
/// - `fxiaoke`: 纷享销客 (Fxiaoke) export labels, in Chinese (`客户名称`, `商机阶段`, `跟进时间`, …).
///
/// Each profile also maps the legacy picklist values (lead statuses, opportunity stages) onto
/// Gantry's; the tables are in `ImportEntity+Fields.swift` and in README's "Data migration".
public enum ImportProfile: String, Sendable, Hashable, CaseIterable, Codable {
    case gantry
    case salesforce
    case zoho
    case fxiaoke

    /// The UTC offset of a timestamp written without one. Fxiaoke shows and exports times in
    /// China Standard Time (mainland China has one zone and no daylight saving), so reading
    /// `2024-03-05 09:30` as UTC would move every follow-up eight hours; the others write UTC or
    /// an explicit offset.
    public var defaultUTCOffset: String {
        self == .fxiaoke ? "+08:00" : "+00:00"
    }

    /// The currency of an amount that names none. Fxiaoke's amounts are in yuan unless its
    /// multi-currency option adds a 币种 column; the other CRMs are multi-currency, so a deal
    /// without a currency is refused rather than guessed.
    public var defaultCurrency: String? {
        self == .fxiaoke ? "CNY" : nil
    }

    /// Whether a link column may hold the linked record's name instead of its external id.
    /// Fxiaoke's export writes lookups as the record's name (a contact's 客户名称 is the account's
    /// name); the merge resolves a name that exactly one record of the project has.
    public var linksByName: Bool {
        self == .fxiaoke
    }
}
