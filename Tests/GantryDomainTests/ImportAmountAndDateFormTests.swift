import GantryDomain
import Testing

/// The amount and date forms every profile reads (`RowNormaliser+Money`, `RowNormaliser+Dates`).
@Suite struct ImportAmountAndDateFormTests {
    static let header = ["external_id", "name", "stage", "amount", "currency", "close_date"]

    /// The columns of `header` as `profile` names them (`Id`, `StageName`, … for Salesforce).
    static func header(_ profile: ImportProfile) -> [String] {
        header.map { column in
            ImportEntity.deals.fields.first { $0.column == column }?.headers[profile]?.first ?? column
        }
    }

    func deal(_ amount: String, currency: String = "", date: String = "", profile: ImportProfile = .gantry) -> RowVerdict {
        let mapping = try! ColumnMapping(header: Self.header(profile), entity: .deals, profile: profile)
        return RowNormaliser(mapping: mapping).normalise(["D1", "N", "proposal", amount, currency, date])
    }

    func accepted(_ verdict: RowVerdict) -> [String?]? {
        if case .accepted(let values) = verdict { return values }
        return nil
    }

    @Test(arguments: [
        ("¥1,234.50", "1234.50", "CNY"), ("￥1,234.50", "1234.50", "CNY"), ("1,234.50元", "1234.50", "CNY"),
        ("CNY 1234.5", "1234.50", "CNY"), ("RMB1234.5", "1234.50", "CNY"), ("1234.5 usd", "1234.50", "USD"),
        ("US$1,000", "1000.00", "USD"), ("€ 99", "99.00", "EUR"), ("100美元", "100.00", "USD"), ("¥ 7 元", "7.00", "CNY"),
        ("人民币 5,000", "5000.00", "CNY"),
    ])
    func anAmountsCurrencyMarkIsDroppedAndFillsABlankCurrency(raw: String, amount: String, currency: String) {
        for profile in ImportProfile.allCases {
            let values = accepted(deal(raw, profile: profile))
            #expect(values?[3] == amount && values?[4] == currency, "\(raw) under \(profile)")
        }
    }

    @Test func plainAmountsKeepWorkingAndNeedACurrencyExceptFromFxiaokeWhoseAmountsAreYuan() {
        #expect(accepted(deal("1,234.5", currency: "eur"))?[3...4] == ["1234.50", "EUR"])
        #expect(accepted(deal("1,234.5")) == nil)
        #expect(accepted(deal("1,234.5", profile: .fxiaoke))?[3...4] == ["1234.50", "CNY"])
    }

    @Test func anAmountWhoseMarkContradictsTheCurrencyColumnIsRefusedNotConverted() {
        #expect(deal("¥100", currency: "USD")
            == .rejected(column: "amount", reason: "is in CNY or JPY but currency says USD", externalID: "D1"))
        #expect(accepted(deal("¥100", currency: "JPY"))?[3...4] == ["100.00", "JPY"])
        guard case .rejected(let column, let reason, _) = deal("$100元") else { Issue.record("two currencies accepted"); return }
        #expect(column == "amount" && reason.contains("names two currencies"))
        for bad in ["¥-5", "-¥5", "元", "¥1.005", "CNY", "12 万"] {
            guard case .rejected(let column, _, _) = deal(bad, currency: "CNY") else { Issue.record("\(bad) accepted"); continue }
            #expect(column == "amount", "\(bad)")
        }
    }

    @Test(arguments: [
        ("2024年3月5日", "2024-03-05"), ("2024 年 3 月 5 日", "2024-03-05"), ("2024年03月05号", "2024-03-05"),
        ("2024年3月5", "2024-03-05"), ("2024/3/5", "2024-03-05"), ("2024/03/05", "2024-03-05"), ("2024-3-5", "2024-03-05"),
        ("2024.3.5", "2024-03-05"), ("2024-03-05", "2024-03-05"),
    ])
    func yearFirstDatesInChineseAndSlashedFormsAreCalendarDays(raw: String, day: String) {
        for profile in ImportProfile.allCases {
            #expect(accepted(deal("", date: raw, profile: profile))?[5] == day, "\(raw) under \(profile)")
        }
    }

    @Test(arguments: ["2024年2月30日", "2024/13/1", "3/5/2024", "2024-3/5", "2024年3月", "2024/3/5/", "2024/003/5", "24/3/5"])
    func impossibleOrAmbiguousDatesAreRefused(raw: String) {
        guard case .rejected(let column, let reason, _) = deal("", date: raw) else { Issue.record("\(raw) accepted"); return }
        #expect(column == "close_date" && reason.contains("is not a date"))
    }

    @Test func timestampsTakeTheSameDateFormsAndFxiaokeTimesAreChinaStandardTime() throws {
        func done(_ raw: String, _ profile: ImportProfile) throws -> String?? {
            let header = profile == .fxiaoke ? ["跟进记录ID", "跟进方式", "跟进内容", "跟进时间"] : ["external_id", "type", "subject", "done_at"]
            let mapping = try ColumnMapping(header: header, entity: .activities, profile: profile)
            if case .accepted(let values) = RowNormaliser(mapping: mapping).normalise(["T1", "电话", "回访", raw]) { return values[5] }
            return nil
        }
        #expect(try done("2024/3/8 14:30", .gantry) == .some("2024-03-08T14:30:00+00:00"))
        #expect(try done("2024/3/8 9:05", .fxiaoke) == .some("2024-03-08T09:05:00+08:00"))
        #expect(try done("2024年3月9日 10:00:30", .fxiaoke) == .some("2024-03-09T10:00:30+08:00"))
        #expect(try done("2024-03-09T10:00:00Z", .fxiaoke) == .some("2024-03-09T10:00:00+00:00"))
        #expect(try done("2024年3月9日", .fxiaoke) == .some("2024-03-09T00:00:00+08:00"))
        #expect(try done("2024/3/8 14:3", .fxiaoke) == nil)
    }
}
