extension ImportEntity {
    /// The documented column mapping of every entity and profile (README "Data migration").
    static let fieldTable: [ImportEntity: [ImportField]] = [
        .accounts: [
            .externalID,
            ImportField("name", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["Name"], .zoho: ["Account Name"]]),
            ImportField("industry", .text(maxLength: 255), headers: [.salesforce: ["Industry"], .zoho: ["Industry"]]),
            ImportField("website", .text(maxLength: 1000), headers: [.salesforce: ["Website"], .zoho: ["Website"]]),
            .phone,
            ImportField("country", .text(maxLength: 255),
                        headers: [.salesforce: ["BillingCountry"], .zoho: ["Billing Country"]]),
        ],
        .contacts: [
            .externalID,
            .link(to: .accounts),
            .firstName,
            .lastName,
            .email,
            .phone,
            ImportField("title", .text(maxLength: 255), headers: [.salesforce: ["Title"], .zoho: ["Title"]]),
        ],
        .leads: [
            .externalID,
            .firstName,
            .lastName,
            ImportField("company", .text(maxLength: 255), headers: [.salesforce: ["Company"], .zoho: ["Company"]]),
            .email,
            .phone,
            ImportField(
                "status",
                .choice(
                    values: ["new", "contacted", "qualified", "unqualified", "converted"],
                    aliases: [
                        // Salesforce's default lead process.
                        "open - not contacted": "new", "working - contacted": "contacted",
                        "closed - converted": "converted", "closed - not converted": "unqualified",
                        // Zoho's default lead statuses.
                        "not contacted": "new", "attempted to contact": "contacted", "contact in future": "contacted",
                        "pre-qualified": "qualified", "not qualified": "unqualified", "junk lead": "unqualified",
                        "lost lead": "unqualified",
                    ]),
                required: true, headers: [.salesforce: ["Status"], .zoho: ["Lead Status"]]),
            ImportField("source", .text(maxLength: 255), headers: [.salesforce: ["LeadSource"], .zoho: ["Lead Source"]]),
        ],
        .deals: [
            .externalID,
            ImportField("name", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["Name"], .zoho: ["Deal Name"]]),
            ImportField(
                "stage",
                .choice(
                    values: ["prospecting", "qualification", "needs_analysis", "proposal", "negotiation",
                             "closed_won", "closed_lost"],
                    aliases: [
                        // Salesforce's default sales process and Zoho's default stages.
                        "needs analysis": "needs_analysis", "value proposition": "proposal",
                        "id. decision makers": "needs_analysis", "identify decision makers": "needs_analysis",
                        "perception analysis": "needs_analysis", "proposal/price quote": "proposal",
                        "negotiation/review": "negotiation", "closed won": "closed_won", "closed lost": "closed_lost",
                        "closed lost to competition": "closed_lost",
                    ]),
                required: true, headers: [.salesforce: ["StageName"], .zoho: ["Stage"]]),
            ImportField("amount", .amount, headers: [.salesforce: ["Amount"], .zoho: ["Amount"]]),
            ImportField("currency", .currency, headers: [.salesforce: ["CurrencyIsoCode"], .zoho: ["Currency"]]),
            ImportField("close_date", .date, headers: [.salesforce: ["CloseDate"], .zoho: ["Closing Date"]]),
            .link(to: .accounts),
            .link(to: .contacts),
        ],
        .activities: [
            .externalID,
            ImportField(
                "type",
                .choice(
                    values: ["call", "meeting", "task", "note"],
                    aliases: ["event": "meeting", "email": "task", "to do": "task", "calls": "call",
                              "meetings": "meeting", "tasks": "task", "notes": "note"]),
                required: true, headers: [.salesforce: ["Type"], .zoho: ["Activity Type"]]),
            ImportField("subject", .text(maxLength: 1000), required: true,
                        headers: [.salesforce: ["Subject"], .zoho: ["Subject"]]),
            ImportField("description", .text(maxLength: 32000),
                        headers: [.salesforce: ["Description"], .zoho: ["Description"]]),
            ImportField("due_at", .timestamp, headers: [.salesforce: ["ActivityDate"], .zoho: ["Due Date"]]),
            ImportField("done_at", .timestamp, headers: [.salesforce: ["CompletedDateTime"], .zoho: ["Closed Time"]]),
            .link(to: .accounts),
            .link(to: .contacts),
            .link(to: .leads),
            .link(to: .deals),
        ],
    ]
}

/// The fields several entities share, each written once: a record's own key, the person fields of
/// contacts and leads, and the links between entities.
extension ImportField {
    /// Every entity's key: the record's ID in the source CRM.
    static let externalID = ImportField(
        "external_id", .text(maxLength: 255), required: true, headers: [.salesforce: ["Id"], .zoho: ["Record Id"]])
    static let firstName = ImportField(
        "first_name", .text(maxLength: 255), headers: [.salesforce: ["FirstName"], .zoho: ["First Name"]])
    static let lastName = ImportField(
        "last_name", .text(maxLength: 255), required: true, headers: [.salesforce: ["LastName"], .zoho: ["Last Name"]])
    static let email = ImportField("email", .email, headers: [.salesforce: ["Email"], .zoho: ["Email"]])
    static let phone = ImportField("phone", .phone, headers: [.salesforce: ["Phone"], .zoho: ["Phone"]])

    /// A link to a record of `entity` by its external ID (`account_external_id`), under the header
    /// each CRM's export gives that link.
    static func link(to entity: ImportEntity) -> ImportField {
        ImportField("\(entity.singular)_external_id", .reference(entity), headers: linkHeaders[entity] ?? [:])
    }

    /// Salesforce calls a deal an opportunity; activities are never linked to.
    private static let linkHeaders: [ImportEntity: [ImportProfile: [String]]] = [
        .accounts: [.salesforce: ["AccountId"], .zoho: ["Account Id"]],
        .contacts: [.salesforce: ["ContactId"], .zoho: ["Contact Id"]],
        .leads: [.salesforce: ["LeadId"], .zoho: ["Lead Id"]],
        .deals: [.salesforce: ["OpportunityId"], .zoho: ["Deal Id"]],
    ]
}
