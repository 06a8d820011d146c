extension ImportEntity {
    /// The documented column mapping of every entity and profile (README "Data migration").
    static let fieldTable: [ImportEntity: [ImportField]] = [
        .accounts: [
            .externalID.with(.fxiaoke, ["客户编号", "客户ID"] + ImportField.fxiaokeIDs),
            ImportField("name", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["Name"], .zoho: ["Account Name"], .fxiaoke: ["客户名称"]]),
            ImportField("industry", .text(maxLength: 255),
                        headers: [.salesforce: ["Industry"], .zoho: ["Industry"], .fxiaoke: ["行业", "所属行业"]]),
            ImportField("website", .text(maxLength: 1000),
                        headers: [.salesforce: ["Website"], .zoho: ["Website"], .fxiaoke: ["网址", "公司网址"]]),
            .phone.with(.fxiaoke, ["电话", "公司电话"]),
            ImportField("country", .text(maxLength: 255),
                        headers: [.salesforce: ["BillingCountry"], .zoho: ["Billing Country"], .fxiaoke: ["国家", "国家/地区"]]),
        ],
        .contacts: [
            .externalID.with(.fxiaoke, ["联系人编号", "联系人ID"] + ImportField.fxiaokeIDs),
            .link(to: .accounts),
            .firstName,
            // A Chinese name is one field (family name first); it is kept whole as the last name.
            .lastName.with(.fxiaoke, ["姓名", "联系人姓名"]),
            .email,
            .phone.with(.fxiaoke, ["手机", "手机号", "电话"]),
            ImportField("title", .text(maxLength: 255),
                        headers: [.salesforce: ["Title"], .zoho: ["Title"], .fxiaoke: ["职务", "职位"]]),
        ],
        .leads: [
            .externalID.with(.fxiaoke, ["线索编号", "线索ID"] + ImportField.fxiaokeIDs),
            .firstName,
            .lastName.with(.fxiaoke, ["姓名", "线索名称"]),
            ImportField("company", .text(maxLength: 255),
                        headers: [.salesforce: ["Company"], .zoho: ["Company"], .fxiaoke: ["公司名称", "公司"]]),
            .email,
            .phone.with(.fxiaoke, ["手机", "手机号", "电话"]),
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
                        // Fxiaoke's lead statuses (线索状态).
                        "未分配": "new", "待处理": "new", "跟进中": "contacted", "已转换": "converted",
                        "无效": "unqualified",
                    ]),
                required: true,
                headers: [.salesforce: ["Status"], .zoho: ["Lead Status"], .fxiaoke: ["线索状态", "状态"]]),
            ImportField("source", .text(maxLength: 255),
                        headers: [.salesforce: ["LeadSource"], .zoho: ["Lead Source"], .fxiaoke: ["来源", "线索来源"]]),
        ],
        .deals: [
            .externalID.with(.fxiaoke, ["商机编号", "商机ID"] + ImportField.fxiaokeIDs),
            ImportField("name", .text(maxLength: 255), required: true,
                        headers: [.salesforce: ["Name"], .zoho: ["Deal Name"], .fxiaoke: ["商机名称"]]),
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
                        // Fxiaoke's default sales process (商机阶段), and the stage names firms
                        // commonly give it.
                        "初步接洽": "prospecting", "验证客户": "qualification", "需求确定": "needs_analysis",
                        "方案/报价": "proposal", "方案报价": "proposal", "谈判审核": "negotiation",
                        "商务谈判": "negotiation", "赢单": "closed_won", "输单": "closed_lost", "无效": "closed_lost",
                    ]),
                required: true,
                headers: [.salesforce: ["StageName"], .zoho: ["Stage"], .fxiaoke: ["商机阶段", "阶段", "销售阶段"]]),
            ImportField("amount", .amount,
                        headers: [.salesforce: ["Amount"], .zoho: ["Amount"], .fxiaoke: ["商机金额", "金额", "预计金额"]]),
            ImportField("currency", .currency,
                        headers: [.salesforce: ["CurrencyIsoCode"], .zoho: ["Currency"], .fxiaoke: ["币种", "货币"]]),
            ImportField("close_date", .date,
                        headers: [.salesforce: ["CloseDate"], .zoho: ["Closing Date"], .fxiaoke: ["预计成交日期", "结单日期"]]),
            .link(to: .accounts),
            .link(to: .contacts),
        ],
        .activities: [
            .externalID.with(.fxiaoke, ["跟进记录ID", "销售记录ID", "记录编号"] + ImportField.fxiaokeIDs),
            ImportField(
                "type",
                .choice(
                    values: ["call", "meeting", "task", "note"],
                    aliases: ["event": "meeting", "email": "task", "to do": "task", "calls": "call",
                              "meetings": "meeting", "tasks": "task", "notes": "note",
                              // Fxiaoke's follow-up methods (跟进方式).
                              "电话": "call", "电话拜访": "call", "拜访": "meeting", "上门拜访": "meeting",
                              "面谈": "meeting", "会议": "meeting", "邮件": "task", "微信": "note", "短信": "note",
                              "其他": "note"]),
                required: true,
                headers: [.salesforce: ["Type"], .zoho: ["Activity Type"], .fxiaoke: ["跟进方式", "跟进类型"]]),
            // A follow-up record has no subject of its own: its content is the subject too when
            // the export has no 跟进主题 column.
            ImportField("subject", .text(maxLength: 1000), required: true,
                        headers: [.salesforce: ["Subject"], .zoho: ["Subject"], .fxiaoke: ["跟进主题", "主题", "跟进内容"]]),
            ImportField("description", .text(maxLength: 32000),
                        headers: [.salesforce: ["Description"], .zoho: ["Description"], .fxiaoke: ["跟进内容", "内容"]]),
            ImportField("due_at", .timestamp,
                        headers: [.salesforce: ["ActivityDate"], .zoho: ["Due Date"], .fxiaoke: ["计划跟进时间"]]),
            ImportField("done_at", .timestamp,
                        headers: [.salesforce: ["CompletedDateTime"], .zoho: ["Closed Time"], .fxiaoke: ["跟进时间"]]),
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
    static let email = ImportField(
        "email", .email, headers: [.salesforce: ["Email"], .zoho: ["Email"], .fxiaoke: ["邮箱", "电子邮箱"]])
    static let phone = ImportField("phone", .phone, headers: [.salesforce: ["Phone"], .zoho: ["Phone"]])

    /// A link to a record of `entity` by its external ID (`account_external_id`), under the header
    /// each CRM's export gives that link.
    static func link(to entity: ImportEntity) -> ImportField {
        ImportField("\(entity.singular)_external_id", .reference(entity), headers: linkHeaders[entity] ?? [:])
    }

    /// Salesforce calls a deal an opportunity; activities are never linked to. Fxiaoke writes a
    /// link as the record's name (客户名称), or its ID when the export includes it.
    private static let linkHeaders: [ImportEntity: [ImportProfile: [String]]] = [
        .accounts: [.salesforce: ["AccountId"], .zoho: ["Account Id"],
                    .fxiaoke: ["客户ID", "所属客户ID", "客户名称", "所属客户", "关联客户"]],
        .contacts: [.salesforce: ["ContactId"], .zoho: ["Contact Id"],
                    .fxiaoke: ["联系人ID", "联系人", "联系人姓名", "关联联系人"]],
        .leads: [.salesforce: ["LeadId"], .zoho: ["Lead Id"], .fxiaoke: ["线索ID", "线索", "线索名称", "关联线索"]],
        .deals: [.salesforce: ["OpportunityId"], .zoho: ["Deal Id"], .fxiaoke: ["商机ID", "商机名称", "商机", "关联商机"]],
    ]

    /// Fxiaoke's record-ID columns common to every object, after the object's own number column.
    static let fxiaokeIDs = ["唯一性ID", "数据ID", "ID"]

    /// The field with `headers` as its header names under `profile`: shared fields whose label
    /// differs per entity in one CRM (Fxiaoke's 客户编号, 联系人编号, …).
    func with(_ profile: ImportProfile, _ headers: [String]) -> ImportField {
        var field = self
        field.headers[profile] = headers
        return field
    }
}
