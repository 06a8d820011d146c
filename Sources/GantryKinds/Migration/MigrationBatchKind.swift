import GantryCore

/// `migration.batch` as producers see it: one batch of one import (`MigrationImporter.start` plans
/// the import and gives one request per batch). The batch's rows live in PostgreSQL
/// (`migration_batches`), not in the job, so the payload is only the batch's address.
public enum MigrationBatchKind {
    public static let name = "migration.batch"

    public static let descriptor = JobKindDescriptor(
        name: name, schema: schema, defaultQueue: .default, defaultMaxAttempts: 10,
        // 5,000 rows take well under a second; the budget is for a database under load.
        defaultTimeoutMs: 5 * 60 * 1000, groupsByProject: true)

    public static let schema = PayloadSchema.object([
        .init("import_id", .string(minLength: 36, maxLength: 36)),
        .init("batch_no", .integer(1...1_000_000)),
    ])
}
