import FoundationEssentials

/// JSON of report models: keys sorted and the output stable, so the same report always hashes the same.
public enum ReportJSON {
    public static func encode(_ report: ProjectStatusReport) throws -> [UInt8] {
        try encodeValue(Envelope(scope: .project, report: report))
    }

    public static func encode(_ report: PortfolioReport) throws -> [UInt8] {
        try encodeValue(Envelope(scope: .portfolio, report: report))
    }

    static func encodeValue(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// The report under `report`, beside `scope` and a format version that readers can check.
    struct Envelope<Report: Encodable>: Encodable {
        var version = 1
        var scope: ReportScope
        var report: Report
    }
}
