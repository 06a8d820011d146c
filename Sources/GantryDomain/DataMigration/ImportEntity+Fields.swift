extension ImportEntity {
    /// The documented column mapping of every entity and profile (README "Data migration").
    static let fieldTable: [ImportEntity: [ImportField]] = [
        .accounts: [
            ImportField("external_id", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["Id"], .zoho: ["Record Id"]]),
            ImportField("name", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["Name"], .zoho: ["Account Name"]]),
            ImportField("industry", .text(maxLength: 255), headers: [.salesforce: ["Industry"], .zoho: ["Industry"]]),
            ImportField("website", .text(maxLength: 1000), headers: [.salesforce: ["Website"], .zoho: ["Website"]]),
            ImportField("phone", .phone, headers: [.salesforce: ["Phone"], .zoho: ["Phone"]]),
            ImportField("country", .text(maxLength: 255),
                        headers: [.salesforce: ["BillingCountry"], .zoho: ["Billing Country"]]),
        ],
        .contacts: [
            ImportField("external_id", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["Id"], .zoho: ["Record Id"]]),
            ImportField("account_external_id", .reference(.accounts),
                        headers: [.salesforce: ["AccountId"], .zoho: ["Account Id"]]),
            ImportField("first_name", .text(maxLength: 255), headers: [.salesforce: ["FirstName"], .zoho: ["First Name"]]),
            ImportField("last_name", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["LastName"], .zoho: ["Last Name"]]),
            ImportField("email", .email, headers: [.salesforce: ["Email"], .zoho: ["Email"]]),
            ImportField("phone", .phone, headers: [.salesforce: ["Phone"], .zoho: ["Phone"]]),
            ImportField("title", .text(maxLength: 255), headers: [.salesforce: ["Title"], .zoho: ["Title"]]),
        ],
        .leads: [
            ImportField("external_id", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["Id"], .zoho: ["Record Id"]]),
            ImportField("first_name", .text(maxLength: 255), headers: [.salesforce: ["FirstName"], .zoho: ["First Name"]]),
            ImportField("last_name", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["LastName"], .zoho: ["Last Name"]]),
            ImportField("company", .text(maxLength: 255), headers: [.salesforce: ["Company"], .zoho: ["Company"]]),
            ImportField("email", .email, headers: [.salesforce: ["Email"], .zoho: ["Email"]]),
            ImportField("phone", .phone, headers: [.salesforce: ["Phone"], .zoho: ["Phone"]]),
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
            ImportField("external_id", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["Id"], .zoho: ["Record Id"]]),
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
            ImportField("account_external_id", .reference(.accounts),
                        headers: [.salesforce: ["AccountId"], .zoho: ["Account Id"]]),
            ImportField("contact_external_id", .reference(.contacts),
                        headers: [.salesforce: ["ContactId"], .zoho: ["Contact Id"]]),
        ],
        .activities: [
            ImportField("external_id", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["Id"], .zoho: ["Record Id"]]),
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
            ImportField("account_external_id", .reference(.accounts),
                        headers: [.salesforce: ["AccountId"], .zoho: ["Account Id"]]),
            ImportField("contact_external_id", .reference(.contacts),
                        headers: [.salesforce: ["ContactId"], .zoho: ["Contact Id"]]),
            ImportField("lead_external_id", .reference(.leads), headers: [.salesforce: ["LeadId"], .zoho: ["Lead Id"]]),
            ImportField("deal_external_id", .reference(.deals),
                        headers: [.salesforce: ["OpportunityId"], .zoho: ["Deal Id"]]),
        ],
    ]
}
