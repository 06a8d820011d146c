import GantryPostgres

/// The SQLSTATE of the `PostgresError` that `body` throws (`23505` for a duplicate, `23514` for a
/// failed check), or nil when it throws none or another kind: how tests show that PostgreSQL
/// itself refused a row.
public func sqlState(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let error as PostgresError {
        return error.sqlState
    } catch {
        return nil
    }
}
