import GantryPostgres

extension GantrySchema {
    /// Migration 4: the schedule forecasts that `estimate.simulate` stores, one row per job.
    ///
    /// The whole input and result are kept as JSON (a forecast can be re-run bit for bit from its
    /// input and seed, and reports render the result), and the figures that lists, reports and alerts
    /// filter on are copied into columns beside them. `job_id` is unique: written in the same
    /// transaction as the job's `job_results` row (`ResultLedger`), it makes a second row for one job
    /// impossible even if a handler forgot the ledger.
    static let estimates = Migration(
        version: 4, name: "estimates",
        sql: """
            CREATE TABLE estimates (
                id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                -- Derived data, reproducible from the project: it goes with its project.
                project_id          uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                -- The job that produced it; no FK to job_results, whose rows may be pruned.
                job_id              uuid NOT NULL UNIQUE,
                -- GantryDomain.EstimateInput and EstimateResult as JSON.
                input               jsonb NOT NULL CHECK (jsonb_typeof(input) = 'object'),
                result              jsonb NOT NULL CHECK (jsonb_typeof(result) = 'object'),
                trials              integer NOT NULL CHECK (trials BETWEEN 1 AND 10000000),
                -- The engine's seed is a UInt64; the job refuses seeds above bigint's range.
                seed                bigint NOT NULL CHECK (seed >= 0),
                -- Total duration in working weeks at P50/P80/P90, to a thousandth of a week.
                p50_weeks           numeric(9, 3) NOT NULL CHECK (p50_weeks >= 0),
                p80_weeks           numeric(9, 3) NOT NULL,
                p90_weeks           numeric(9, 3) NOT NULL,
                -- NULL only if the input had no calendar (the job always gives one).
                p80_finish          date,
                -- NULL when the project has no target date.
                probability_on_time double precision CHECK (probability_on_time BETWEEN 0 AND 1),
                -- forecast: no phase done yet; reforecast: done phases enter as actuals;
                -- calibration: multipliers fitted on the firm's finished projects.
                kind                text NOT NULL CHECK (kind IN ('forecast', 'reforecast', 'calibration')),
                created_at          timestamptz NOT NULL DEFAULT now(),
                -- Percentiles of one distribution cannot cross; crossed ones mean a bug upstream.
                CHECK (p50_weeks <= p80_weeks AND p80_weeks <= p90_weeks)
            );
            -- A project's latest estimate and its history, newest first (also the FK lookup).
            CREATE INDEX estimates_project_created ON estimates (project_id, created_at DESC);
            """)
}
