import GantryPostgres

/// The store as handlers and producers see it: its repositories on a connection pool, and the
/// ledger that commits a job's effect with its result. Code outside this module reaches
/// PostgreSQL only through it, so every statement lives in a repository here.
public struct GantryStore: RepositorySource {
    let pool: PostgresConnectionPool
    public var executor: StoreExecutor { .pool(pool) }

    public init(pool: PostgresConnectionPool) { self.pool = pool }

    /// Runs `body` in one transaction: every statement made through the `StoreTransaction` it is
    /// handed commits together when `body` returns, or not at all when it throws.
    public func transaction<T: Sendable>(_ body: (StoreTransaction) async throws -> T) async throws -> T {
        try await pool.transaction { try await body(StoreTransaction(connection: $0)) }
    }

    /// Runs a job's effect effectively once (see `ResultLedger`).
    public var ledger: ResultLedger { ResultLedger(pool: pool) }
}

/// Something that hands out repositories over one executor: the pool's (`GantryStore`) or a
/// transaction's (`StoreTransaction`).
public protocol RepositorySource: Sendable {
    var executor: StoreExecutor { get }
}

extension RepositorySource {
    public var clients: ClientRepository { ClientRepository(executor: executor) }
    public var projects: ProjectRepository { ProjectRepository(executor: executor) }
    public var finishedProjects: FinishedProjectQuery { FinishedProjectQuery(executor: executor) }
    public var estimates: EstimateRepository { EstimateRepository(executor: executor) }
    public var reports: ReportRepository { ReportRepository(executor: executor) }
    public var imports: MigrationImportRepository { MigrationImportRepository(executor: executor) }
    public var notificationDeliveries: NotificationDeliveryRepository { NotificationDeliveryRepository(executor: executor) }
    public var jobResults: JobResultRepository { JobResultRepository(executor: executor) }
    public var drillRows: DrillRowRepository { DrillRowRepository(executor: executor) }

    /// The endpoints, with the keys that open their webhook secrets.
    public func notificationEndpoints(sealer: (any NotificationSecretSealer)?) -> NotificationEndpointRepository {
        NotificationEndpointRepository(executor: executor, sealer: sealer)
    }
}
