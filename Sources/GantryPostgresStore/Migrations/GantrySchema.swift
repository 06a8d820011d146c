import GantryPostgres

/// Gantry's PostgreSQL schema as an ordered list of migrations. Append only: a migration that
/// shipped is never edited (the runner refuses one whose checksum changed).
public enum GantrySchema {
    public static let migrations: [Migration] = [
        jobHistory,
        drillRows,
        crmSchema,
        estimates,
        dataImports,
        notifications,
        reports,
        notificationKeys,
        apiTokens,
        coordinator,
        projectPlanning,
        fxiaokeImportProfile,
    ]
}
