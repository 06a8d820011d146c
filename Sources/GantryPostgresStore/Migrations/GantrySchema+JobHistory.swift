import GantryPostgres

extension GantrySchema {
    /// Migration 1: every run of a job (`job_runs`) and each job's one result (`job_results`, whose
    /// one writer is `JobResultRepository`).
    static let jobHistory = Migration(
        version: 1, name: "job history and results",
        sql: """
            CREATE TABLE job_results (
                job_id      uuid PRIMARY KEY,
                kind        text NOT NULL,
                queue       text NOT NULL,
                project_id  text,
                attempt     integer NOT NULL CHECK (attempt >= 1),
                result      jsonb,
                finished_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX job_results_project ON job_results (project_id, finished_at) WHERE project_id IS NOT NULL;

            CREATE TABLE job_runs (
                id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                job_id      uuid NOT NULL,
                kind        text NOT NULL,
                queue       text NOT NULL,
                project_id  text,
                attempt     integer NOT NULL,
                worker      text NOT NULL,
                started_at  timestamptz NOT NULL,
                finished_at timestamptz NOT NULL,
                outcome     text NOT NULL CHECK (outcome IN
                              ('succeeded', 'retrying', 'dead', 'timed_out', 'cancelled', 'released')),
                error       text,
                duration_ms bigint NOT NULL
            );
            CREATE INDEX job_runs_job ON job_runs (job_id);
            CREATE INDEX job_runs_finished ON job_runs (finished_at);
            """)
}
