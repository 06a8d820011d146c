/// A legacy CRM's account export as the demo imports it: the column names of Salesforce, Zoho or Fxiaoke
/// (纷享销客), a few hundred rows, and the handful of bad rows every real export has (a missing name, a phone
/// that is not one, a record exported twice), so the import's reconciliation has something to say.
enum DemoExport {
    enum Source: String, CaseIterable, Sendable {
        case salesforce, zoho, fxiaoke
    }

    static func accounts(_ source: Source, project: Int, rows: Int = 300) -> String {
        let header: String = switch source {
        case .salesforce: "Id,Name,Industry,Website,Phone,BillingCountry"
        case .zoho: "Record Id,Account Name,Industry,Website,Phone,Billing Country"
        case .fxiaoke: "客户编号,客户名称,所属行业,网址,电话,国家/地区"
        }
        var lines = [header]
        for n in 1...rows {
            let id = "\(source.rawValue.prefix(2).uppercased())\(project)-\(n)"
            var name = source == .fxiaoke ? "客户\(project)-\(n)有限公司" : "Account \(project)-\(n) Ltd"
            var phone = source == .fxiaoke ? "+86 21 5555 \(String(format4: n))" : "+1 555 01\(String(format4: n))"
            // About 2 % bad rows, always the same ones.
            if n % 97 == 0 { name = "" }
            if n % 89 == 0 { phone = "call the front desk" }
            let country = source == .fxiaoke ? "中国" : ["US", "GB", "DE", "SG"][n % 4]
            let industry = source == .fxiaoke ? ["制造业", "零售", "金融"][n % 3] : ["Manufacturing", "Retail", "Finance"][n % 3]
            lines.append("\(id),\(name),\(industry),https://example.com/\(n),\(phone),\(country)")
            if n % 101 == 0 { lines.append(lines[lines.count - 1]) }  // exported twice
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// `n` as four digits, zero-padded.
    fileprivate init(format4 n: Int) {
        let digits = String(n % 10_000)
        self = String(repeating: "0", count: 4 - digits.count) + digits
    }
}
