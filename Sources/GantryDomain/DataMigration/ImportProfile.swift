/// The shape of a legacy export: which header names the columns carry.
///
/// - `gantry`: Gantry's own column names (`external_id`, `account_external_id`, …).
/// - `salesforce`: Salesforce data-export API names (`Id`, `AccountId`, `LastName`, `StageName`, …).
/// - `zoho`: Zoho CRM export labels (`Record Id`, `Account Id`, `Last Name`, `Stage`, …).
///
/// Each profile also maps the legacy picklist values (lead statuses, opportunity stages) onto
/// Gantry's; the tables are in `ImportEntity+Fields.swift` and in README's "Data migration".
public enum ImportProfile: String, Sendable, Hashable, CaseIterable, Codable {
    case gantry
    case salesforce
    case zoho
}
