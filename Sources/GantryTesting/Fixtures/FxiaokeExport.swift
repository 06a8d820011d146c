import Glibc

/// A small 纷享销客 (Fxiaoke) export as its users hand it over: Chinese headers, columns Gantry does
/// not keep (客户级别, 负责人, 赢率), links written as names, ¥/元/CNY amounts, 年月日 and slashed dates,
/// and GB18030/GBK bytes from Chinese Excel. Each file has one row a careful import must reject.
public enum FxiaokeExport {
    /// Three accounts; all load.
    public static let accounts = """
        客户编号,客户名称,客户级别,行业,电话,地址,负责人,创建时间\r
        KH-0001,华为技术有限公司,重要客户,通信,0755-28780808,深圳市龙岗区坂田华为基地,张伟,2024/3/5 09:30\r
        KH-0002,上海蔚来汽车有限公司,普通客户,汽车,021-6908 2018,上海市嘉定区,李娜,2024年3月6日\r
        KH-0003,杭州数云科技有限公司,普通客户,软件,0571-8888 6666,杭州市西湖区,王芳,2024-03-07\r

        """

    /// Three contacts linked to their account by its name; the third names no account of the project.
    public static let contacts = """
        联系人编号,姓名,手机,邮箱,职务,客户名称\r
        LXR-001,王小明,138 0013 8000,Wang.XM@Huawei.com,采购经理,华为技术有限公司\r
        LXR-002,李静,139-1234-5678,lijing@nio.com,IT总监,上海蔚来汽车有限公司\r
        LXR-003,赵强,13700137000,zhaoqiang@example.cn,CTO,不存在的公司\r

        """

    /// Two leads (销售线索) with Fxiaoke's statuses; the second has no mobile number.
    public static let leads = """
        线索编号,线索名称,公司名称,手机,邮箱,线索状态,来源,创建时间\r
        XS-001,陈晨,深圳云帆科技有限公司,13512345678,ChenChen@YunFan.cn,跟进中,展会,2024/2/1\r
        XS-002,刘洋,北京启明星软件有限公司,,liuyang@qmx.com,未分配,官网,2024年2月2日\r

        """

    /// Four opportunities in every amount and date form; the fourth has a stage no mapping knows.
    public static let deals = """
        商机编号,商机名称,客户名称,商机阶段,商机金额,预计成交日期,赢率,负责人\r
        SJ-001,华为CRM二期,华为技术有限公司,方案/报价,"¥1,234,567.50",2024年6月30日,60%,张伟\r
        SJ-002,蔚来销售云,上海蔚来汽车有限公司,谈判审核,"88,000.00元",2024/7/15,80%,李娜\r
        SJ-003,数云年度续约,杭州数云科技有限公司,赢单,CNY 120000,2024-05-01,100%,王芳\r
        SJ-004,未知阶段商机,杭州数云科技有限公司,神秘阶段,100,2024/8/1,10%,王芳\r

        """

    /// Two follow-up records (跟进记录), times in China Standard Time, linked by account and deal name.
    public static let activities = """
        跟进记录ID,跟进方式,跟进内容,跟进时间,客户名称,商机名称\r
        GJ-001,电话,沟通二期需求范围,2024/3/8 14:30,华为技术有限公司,华为CRM二期\r
        GJ-002,拜访,上门演示销售云,2024年3月9日 10:00,上海蔚来汽车有限公司,蔚来销售云\r

        """

    /// `text` in GB18030 (GBK for these characters), converted by glibc's iconv as `iconv -f UTF-8 -t
    /// GB18030` would: the bytes Chinese Excel writes for "CSV (逗号分隔)".
    public static func gb18030(_ text: String) -> [UInt8] {
        let descriptor = iconv_open("GB18030", "UTF-8")!
        precondition(descriptor != iconv_t(bitPattern: -1), "glibc has no GB18030 converter")
        defer { iconv_close(descriptor) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                inBuffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: inBuffer.count) { inBase in
                    outBuffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: outBuffer.count) { outBase in
                        var inPointer: UnsafeMutablePointer<CChar>? = inBase
                        var inLeft = inBuffer.count
                        var outPointer: UnsafeMutablePointer<CChar>? = outBase
                        var outLeft = outBuffer.count
                        let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                        precondition(result != -1 && inLeft == 0, "UTF-8 text always converts to GB18030")
                        return outBuffer.count - outLeft
                    }
                }
            }
        }
        return Array(output[..<written])
    }
}
