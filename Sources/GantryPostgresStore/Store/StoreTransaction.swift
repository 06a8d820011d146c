import GantryPostgres

/// The repositories of one open transaction, as `ResultLedger.once` hands them to a job's effect:
/// every statement made through them commits with the job's result, or not at all.
public struct StoreTransaction: RepositorySource {
    let connection: PostgresConnection
    public var executor: StoreExecutor { .connection(connection) }

    init(connection: PostgresConnection) { self.connection = connection }
}
