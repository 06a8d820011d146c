import GantryDomain
import Testing

/// The `fxiaoke` profile: 纷享销客's Chinese export labels and picklists mapped onto Gantry's.
@Suite struct FxiaokeProfileTests {
    func mapping(_ header: [String], _ entity: ImportEntity) throws -> ColumnMapping {
        try ColumnMapping(header: header, entity: entity, profile: .fxiaoke)
    }

    @Test func accountExportMapsItsChineseLabelsAndListsTheColumnsGantryDoesNotKeep() throws {
        let m = try mapping(["客户编号", "客户名称", "客户级别", "行业", "电话", "地址", "负责人", "创建时间"], .accounts)
        #expect(m.indices == [0, 1, 3, nil, 4, nil])
        #expect(m.ignoredHeaders == ["客户级别", "地址", "负责人", "创建时间"])
        let row = RowNormaliser(mapping: m).normalise(
            ["KH-0001", "华为技术有限公司", "重要客户", "通信", "0755-28780808", "深圳", "张伟", "2024/3/5 09:30"])
        #expect(row == .accepted(["KH-0001", "华为技术有限公司", "通信", nil, "075528780808", nil]))
    }

    @Test func anExportWithOnlyTheRecordIDColumnUsesItAsTheExternalID() throws {
        #expect(try mapping(["ID", "客户名称"], .accounts).indices[0] == 0)
        #expect(try mapping(["唯一性ID", "姓名", "客户名称"], .contacts).indices[0] == 0)
    }

    @Test func aContactsWholeChineseNameIsItsLastNameAndItsAccountIsNamed() throws {
        let m = try mapping(["联系人编号", "姓名", "手机", "邮箱", "职务", "客户名称"], .contacts)
        let row = RowNormaliser(mapping: m).normalise(
            ["LXR-001", "王小明", "138 0013 8000", "Wang.XM@Huawei.com", "采购经理", "华为技术有限公司"])
        #expect(row == .accepted(["LXR-001", "华为技术有限公司", nil, "王小明", "wang.xm@huawei.com", "13800138000", "采购经理"]))
        #expect(ImportProfile.fxiaoke.linksByName && !ImportProfile.salesforce.linksByName)
    }

    @Test(arguments: [("未分配", "new"), ("待处理", "new"), ("跟进中", "contacted"), ("已转换", "converted"), ("无效", "unqualified")])
    func leadStatusesMapOntoGantrys(status: String, expected: String) throws {
        let m = try mapping(["线索编号", "线索名称", "公司名称", "线索状态", "来源"], .leads)
        let row = RowNormaliser(mapping: m).normalise(["XS-1", "张三", "某某公司", status, "展会"])
        #expect(row == .accepted(["XS-1", nil, "张三", "某某公司", nil, nil, expected, "展会"]))
    }

    @Test(arguments: [
        ("验证客户", "qualification"), ("需求确定", "needs_analysis"), ("方案/报价", "proposal"), ("谈判审核", "negotiation"),
        ("赢单", "closed_won"), ("输单", "closed_lost"),
    ])
    func opportunityStagesMapOntoGantrys(stage: String, expected: String) throws {
        let m = try mapping(["商机编号", "商机名称", "客户名称", "商机阶段", "商机金额", "预计成交日期", "赢率"], .deals)
        let row = RowNormaliser(mapping: m).normalise(["SJ-1", "二期", "华为技术有限公司", stage, "¥1,234.50", "2024年3月5日", "60%"])
        #expect(row == .accepted(["SJ-1", "二期", expected, "1234.50", "CNY", "2024-03-05", "华为技术有限公司", nil]))
    }

    @Test func anUnknownStageIsRejectedNamingTheChineseColumn() throws {
        let m = try mapping(["商机编号", "商机名称", "商机阶段"], .deals)
        guard case .rejected(let column, let reason, let id) = RowNormaliser(mapping: m).normalise(["SJ-4", "x", "神秘阶段"]) else {
            Issue.record("an unknown stage was accepted")
            return
        }
        #expect(column == "商机阶段" && id == "SJ-4" && reason.hasPrefix("'神秘阶段' is not one of"))
    }

    @Test func followUpRecordsTakeTheirMethodContentAndTimeInChinaStandardTime() throws {
        let m = try mapping(["跟进记录ID", "跟进方式", "跟进内容", "跟进时间", "客户名称", "商机名称"], .activities)
        let row = RowNormaliser(mapping: m).normalise(["GJ-1", "拜访", "上门演示", "2024/3/8 14:30", "华为技术有限公司", "二期"])
        #expect(row == .accepted([
            "GJ-1", "meeting", "上门演示", "上门演示", nil, "2024-03-08T14:30:00+08:00", "华为技术有限公司", nil, nil, "二期",
        ]))
    }

    @Test func aMissingRequiredColumnIsNamedAsFxiaokeLabelsIt() {
        let error = #expect(throws: DomainError.self) { try mapping(["联系人编号", "手机"], .contacts) }
        #expect(error?.message.contains("姓名") == true)
    }
}
