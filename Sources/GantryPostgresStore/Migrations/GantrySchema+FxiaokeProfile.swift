import GantryPostgres

extension GantrySchema {
    /// Migration 12: imports may use the `fxiaoke` profile (纷享销客's export labels), so the
    /// profile CHECK of migration 5 takes it too. Migration 5 is never edited (its checksum is
    /// recorded), hence the constraint is replaced here under its own name.
    static let fxiaokeImportProfile = Migration(
        version: 12, name: "fxiaoke import profile",
        sql: """
            ALTER TABLE migration_imports DROP CONSTRAINT migration_imports_profile_check;
            ALTER TABLE migration_imports ADD CONSTRAINT migration_imports_profile_check
                CHECK (profile IN ('gantry', 'salesforce', 'zoho', 'fxiaoke'));
            """)
}
