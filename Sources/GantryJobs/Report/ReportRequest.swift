import FoundationEssentials
import GantryCore
import GantryDomain

/// A checked `report.build` payload: what to report on and in which formats.
///
/// Every refusal is a `JobError.permanent` whose message names the payload field and the reason:
/// retrying cannot fix a payload.
struct ReportRequest: Sendable, Hashable {
    var scope: ReportScope
    /// Set exactly when `scope` is `.project`.
    var projectID: UUID?
    /// In the order html, csv, json, each once.
    var formats: [ReportFormat]

    init(payload: [String: JSONValue]) throws(JobError) {
        do {
            try ReportBuildKind.schema.validate(.object(payload))
        } catch {
            throw Self.invalid(field: error.field ?? "$", error.message)
        }
        var scope = ReportScope.project
        if case .string(let text)? = payload["scope"], let named = ReportScope(rawValue: text) { scope = named }
        switch (scope, payload["project_id"]) {
        case (.project, .string(let text)?):
            guard let id = UUID(uuidString: text) else { throw Self.invalid(field: "project_id", "is not a UUID") }
            projectID = id
        case (.project, _):
            throw Self.invalid(field: "project_id", "is required for a project report (or say \"scope\": \"portfolio\")")
        case (.portfolio, .string(_)?):
            throw Self.invalid(field: "project_id", "must be absent for a portfolio report")
        case (.portfolio, _):
            projectID = nil
        }
        self.scope = scope
        var formats = Set(ReportFormat.allCases)
        if case .array(let items)? = payload["formats"] {
            formats = []
            for case .string(let name) in items {
                if let format = ReportFormat(rawValue: name) { formats.insert(format) }
            }
        }
        self.formats = ReportFormat.allCases.filter(formats.contains)
    }

    static func invalid(field: String, _ reason: String) -> JobError {
        .permanent("invalid \(ReportBuildKind.name) payload: \(field): \(reason)")
    }
}
