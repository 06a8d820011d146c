import GantryPostgres

extension GantrySchema {
    /// Migration 7: rendered reports, stored with their content hash (report.build).
    ///
    /// - One row per job and format: a `report.build` job renders up to three formats of one report,
    ///   so `(job_id, format)` is the unique key, written in the same transaction as the job's
    ///   `job_results` row (`ResultLedger`), which makes a second copy impossible even for a handler
    ///   that forgot the ledger.
    /// - The content is kept as bytes, exactly as served; `sha256` is its hex digest, computed by the
    ///   writer and checked here again, so a stored hash can never disagree with the stored bytes.
    /// - A project report belongs to its project (`ON DELETE CASCADE`: derived data goes with it); a
    ///   portfolio report has no project.
    static let reports = Migration(
        version: 7, name: "reports",
        sql: """
            CREATE TABLE reports (
                id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                project_id   uuid REFERENCES projects (id) ON DELETE CASCADE,
                scope        text NOT NULL CHECK (scope IN ('project', 'portfolio')),
                format       text NOT NULL CHECK (format IN ('html', 'csv', 'json')),
                content      bytea NOT NULL,
                content_type text NOT NULL CHECK (btrim(content_type) <> ''),
                sha256       text NOT NULL CHECK (sha256 = encode(sha256(content), 'hex')),
                -- The job that rendered it; no FK to job_results, whose rows may be pruned.
                job_id       uuid NOT NULL,
                created_at   timestamptz NOT NULL DEFAULT now(),
                UNIQUE (job_id, format),
                -- A project report names its project; a portfolio report names none.
                CHECK ((scope = 'project') = (project_id IS NOT NULL))
            );
            -- The latest report of a project (also the FK lookup), and the latest portfolio report.
            CREATE INDEX reports_project_latest ON reports (project_id, format, created_at DESC) WHERE project_id IS NOT NULL;
            CREATE INDEX reports_portfolio_latest ON reports (format, created_at DESC) WHERE scope = 'portfolio';
            """)
}
