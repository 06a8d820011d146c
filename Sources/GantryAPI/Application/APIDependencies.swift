import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore
import Logging
import Prometheus

/// Everything the API talks to, built by the executable (which owns the Redis driver and the
/// PostgreSQL pool: this module imports neither GantryRedisQueue nor GantryPostgres) and by tests.
/// The optional parts answer 503 `not_configured` when absent, so a test can build the API with
/// only what it exercises.
public struct APIDependencies: Sendable {
    /// Validates and enqueues (and coalesces concurrent single enqueues into one round trip).
    public var queue: JobQueue
    public var tokens: APITokenRepository
    public var results: JobResultRepository?
    public var workers: (any WorkerRegistry)?
    public var projects: ProjectRepository?
    public var clients: ClientRepository?
    public var estimates: EstimateRepository?
    public var imports: MigrationImportRepository?
    /// Splits an uploaded CSV into `migration.batch` jobs (GantryJobs' planner, injected so the
    /// API does not link the handlers).
    public var importPlanner: (any ImportPlanning)?
    public var reports: ReportRepository?
    /// The projects' notification endpoints, with the keys that seal webhook secrets
    /// (`GANTRY_SECRET_KEY`); without a key only e-mail endpoints can be added.
    public var endpoints: NotificationEndpointRepository?
    public var endpointRules: EndpointRules?
    /// The portfolio view (`GET /v1/portfolio`).
    public var portfolio: PortfolioQuery?
    /// The phase model over the stored projects (`advanceProject`), and the history and follow-up
    /// chains `getProject` shows with it.
    public var progress: ProgressRepository?
    public var projectEvents: ProjectEventRepository?
    public var followUps: FollowUpRepository?
    /// A project's plan versions (`/v1/projects/{id}/baselines`).
    public var baselines: BaselineRepository?
    /// A project's working calendar and risk register (`…/calendar`, `…/risks`).
    public var projectSettings: ProjectSettingsRepository?
    /// Cron schedules (`/v1/schedules`).
    public var schedules: ScheduleRepository?
    /// What `/readyz` checks, by name (`redis`, `postgres`).
    public var readiness: [ReadinessProbe] = []
    /// Where `/metrics` comes from; request metrics are made through swift-metrics on it.
    public var metrics = PrometheusCollectorRegistry()
    public var logger = Logger(label: "gantry.api")

    /// The two parts every API has; set the others after, each as the process has it.
    public init(queue: JobQueue, tokens: APITokenRepository) {
        self.queue = queue
        self.tokens = tokens
    }
}

/// One dependency `/readyz` checks: it is ready when `check` returns within its own timeouts.
public struct ReadinessProbe: Sendable {
    public var name: String
    public var check: @Sendable () async throws -> Void
    public init(name: String, check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.check = check
    }
}

/// Plans an import: reads the CSV, stores the import and its batches, and returns the
/// `migration.batch` jobs to enqueue. GantryJobs' `MigrationImporter` is the implementation.
public protocol ImportPlanning: Sendable {
    /// Plans the import of `csv`, one entity's export named `sourceName`, into the project.
    func plan(
        projectID: UUID, entity: ImportEntity, profile: ImportProfile, encoding: SourceEncoding, sourceName: String,
        csv: [UInt8]
    ) async throws -> ImportPlan

    /// What importing `csv` would do, committing nothing (`MigrationImporter.dryRun`).
    func dryRun(
        projectID: UUID, entity: ImportEntity, profile: ImportProfile, encoding: SourceEncoding, sourceName: String,
        csv: [UInt8]
    ) async throws -> ImportRehearsal
}

public struct ImportPlan: Sendable {
    public var importID: UUID
    public var jobs: [JobRequest]
    /// What the file was read as, and a sentence when that is worth saying (`DecodedSource.note`).
    public var encoding: SourceEncoding
    public var encodingNote: String?
    public init(importID: UUID, jobs: [JobRequest], encoding: SourceEncoding = .utf8, encodingNote: String? = nil) {
        self.importID = importID
        self.jobs = jobs
        self.encoding = encoding
        self.encodingNote = encodingNote
    }
}

/// A dry run's answer: the store's findings, and how the file was read.
public struct ImportRehearsal: Sendable {
    public var dryRun: ImportDryRun
    public var ignoredHeaders: [String]
    public var encoding: SourceEncoding
    public var encodingNote: String?
    public init(dryRun: ImportDryRun, ignoredHeaders: [String], encoding: SourceEncoding, encodingNote: String?) {
        self.dryRun = dryRun
        self.ignoredHeaders = ignoredHeaders
        self.encoding = encoding
        self.encodingNote = encodingNote
    }
}
