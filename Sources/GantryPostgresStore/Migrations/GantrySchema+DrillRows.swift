import GantryPostgres

extension GantrySchema {
    /// Migration 2: the `gantry.drill` kind's rows; no unique key on purpose (see `DrillRowRepository`).
    static let drillRows = Migration(
        version: 2, name: "drill rows",
        sql: """
            -- Written by the gantry.drill job kind; no unique key on purpose (see DrillRowHandler).
            CREATE TABLE gantry_drill_rows (
                id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                job_id     uuid NOT NULL,
                n          integer NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            """)
}
