import Crypto
import FoundationEssentials
import GantryCore
import GantryDomain
import Mustache

/// Renders report models into the bytes that are stored and served: HTML through the Mustache
/// templates, CSV and JSON through GantryDomain's encoders.
enum ReportRenderer {
    /// One rendered format: its bytes, media type and SHA-256 (lower-case hex).
    struct Rendering: Sendable, Hashable {
        var format: ReportFormat
        var content: [UInt8]
        var contentType: String
        var sha256: String
    }

    static func render(_ report: ProjectStatusReport, formats: [ReportFormat]) throws -> [Rendering] {
        try formats.map { format in
            switch format {
            case .html: rendering(.html, Array(html(report).utf8))
            case .csv: rendering(.csv, Array(ReportCSV.encode(report).utf8))
            case .json: rendering(.json, try ReportJSON.encode(report))
            }
        }
    }

    static func render(_ report: PortfolioReport, formats: [ReportFormat]) throws -> [Rendering] {
        try formats.map { format in
            switch format {
            case .html: rendering(.html, Array(html(report).utf8))
            case .csv: rendering(.csv, Array(ReportCSV.encode(report).utf8))
            case .json: rendering(.json, try ReportJSON.encode(report))
            }
        }
    }

    static func html(_ report: ProjectStatusReport) -> String {
        ReportTemplates.library.render(ProjectView(report), withTemplate: ReportTemplates.projectPage) ?? ""
    }

    static func html(_ report: PortfolioReport) -> String {
        ReportTemplates.library.render(PortfolioView(report), withTemplate: ReportTemplates.portfolioPage) ?? ""
    }

    static func rendering(_ format: ReportFormat, _ content: [UInt8]) -> Rendering {
        Rendering(format: format, content: content, contentType: format.contentType, sha256: sha256Hex(content))
    }

    /// Lower-case hex SHA-256, as `reports.sha256` holds it.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
