import GantryCore
import GantryDomain

/// `report.build` as producers see it: the name, the payload schema the API and the CLI check before
/// a job enters a queue, and its defaults.
///
/// The payload is either `{"project_id": "…"}` (a project status report; `"scope": "project"` may be
/// said too) or `{"scope": "portfolio"}` (every open project), plus optional `formats`, a non-empty
/// subset of `html`, `csv`, `json` (all three when absent). Reports go to the `reports` queue, so a
/// burst of them never delays estimates or migrations.
public enum ReportBuildKind {
    public static let name = "report.build"

    public static let queue: QueueName = "reports"

    public static let descriptor = JobKindDescriptor(
        name: name, schema: schema, defaultQueue: queue, defaultMaxAttempts: 5,
        // A portfolio of hundreds of projects renders in seconds; the rest is for a slow database.
        defaultTimeoutMs: 5 * 60 * 1000, groupsByProject: true)

    public static let schema = PayloadSchema.object([
        .init("project_id", .string(minLength: 36, maxLength: 36), required: false),
        .init("scope", .string(oneOf: ReportScope.allCases.map(\.rawValue)), required: false),
        .init(
            "formats", .array(of: .string(oneOf: ReportFormat.allCases.map(\.rawValue)), minCount: 1, maxCount: 3),
            required: false),
    ])
}
