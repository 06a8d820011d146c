/// The CRM records a client's legacy export can load, one import (one file) per entity.
///
/// Order matters across imports, not inside one: references are resolved against what is already in
/// the project, so accounts load before the contacts and deals that point at them.
public enum ImportEntity: String, Sendable, Hashable, CaseIterable, Codable {
    case accounts
    case contacts
    case leads
    case deals
    case activities

    /// The PostgreSQL table (migration 3) that the entity's rows are upserted into.
    public var table: String { rawValue }

    /// The singular noun people use in messages ("no account with external id …").
    public var singular: String {
        switch self {
        case .accounts: "account"
        case .contacts: "contact"
        case .leads: "lead"
        case .deals: "deal"
        case .activities: "activity"
        }
    }

    /// The columns an import writes, in table order; `external_id` first.
    public var fields: [ImportField] { ImportEntity.fieldTable[self]! }
}
