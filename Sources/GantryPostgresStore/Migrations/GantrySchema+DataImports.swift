import GantryPostgres

extension GantrySchema {
    /// Migration 5: imports of a client's legacy CRM export (`migration.batch`).
    ///
    /// - `migration_imports`: one per uploaded file and entity; the source row count, the running
    ///   totals that batches add to, and the reconciliation verdict.
    /// - `migration_batches`: the file cut into batches at record boundaries. The CSV text of each
    ///   batch is kept here, not in the job (Redis holds jobs, not files; envelopes are capped at
    ///   512 KiB), so any worker can run any batch and a re-run reads exactly the same bytes. Its `id`
    ///   is what CRM rows carry in `migration_batch`.
    /// - `migration_row_results`: one row per source record, Salesforce Bulk API 2.0's shape:
    ///   created / updated / unchanged / rejected with the column and the reason. The partial unique
    ///   index on accepted external ids is what catches a duplicate across two batches of one file
    ///   even when both run at once: the later batch fails, is retried, and then rejects the row.
    ///   No foreign key to `migration_imports`, on purpose: a million result rows would pay a
    ///   per-row trigger; `MigrationImportRepository.delete` removes them with their import.
    static let dataImports = Migration(
        version: 5, name: "data imports",
        sql: """
            CREATE TABLE migration_imports (
                id                uuid PRIMARY KEY,
                -- NO ACTION, like the CRM rows the import wrote.
                project_id        uuid NOT NULL REFERENCES projects (id),
                entity            text NOT NULL
                                  CHECK (entity IN ('accounts', 'contacts', 'leads', 'deals', 'activities')),
                -- The uploaded file's name, for people; and the column mapping (GantryDomain.ImportProfile).
                source_name       text NOT NULL,
                profile           text NOT NULL CHECK (profile IN ('gantry', 'salesforce', 'zoho')),
                -- The file's header record, as CSV: every batch maps its columns with it.
                header            text NOT NULL,
                source_rows       integer NOT NULL CHECK (source_rows >= 0),
                batch_size        integer NOT NULL CHECK (batch_size BETWEEN 1 AND 100000),
                batch_count       integer NOT NULL CHECK (batch_count >= 0),
                batches_done      integer NOT NULL DEFAULT 0 CHECK (batches_done BETWEEN 0 AND batch_count),
                created_rows      integer NOT NULL DEFAULT 0,
                updated_rows      integer NOT NULL DEFAULT 0,
                unchanged_rows    integer NOT NULL DEFAULT 0,
                rejected_rows     integer NOT NULL DEFAULT 0,
                -- Sum over accepted rows of 60 bits of md5(canonical row): order-free, so batches add
                -- to it in any order; reconciliation recomputes it from the tables.
                accepted_checksum numeric NOT NULL DEFAULT 0,
                -- loading: batches still to run; balanced / unbalanced: the reconciliation's verdict.
                status            text NOT NULL DEFAULT 'loading'
                                  CHECK (status IN ('loading', 'balanced', 'unbalanced')),
                -- GantryJobs' Reconciliation as JSON: counts per check, and what did not balance.
                reconciliation    jsonb,
                created_at        timestamptz NOT NULL DEFAULT now(),
                finished_at       timestamptz,
                CHECK (status = 'loading' OR finished_at IS NOT NULL)
            );
            CREATE INDEX migration_imports_project ON migration_imports (project_id, created_at DESC);

            CREATE TABLE migration_batches (
                id                uuid PRIMARY KEY,
                import_id         uuid NOT NULL REFERENCES migration_imports (id) ON DELETE CASCADE,
                batch_no          integer NOT NULL CHECK (batch_no >= 1),
                -- 1-based number of the batch's first data record in the file (the header is row 0).
                first_row         integer NOT NULL CHECK (first_row >= 1),
                row_count         integer NOT NULL CHECK (row_count >= 1),
                -- The batch's records as CSV, without the header; stored uncompressed (EXTERNAL), since
                -- it is written once and read once.
                source            text NOT NULL,
                -- Rows of this batch whose external id an earlier row of the file has, and that row:
                -- found by the planner over the whole file, so the first row wins whatever the order
                -- in which batches run.
                duplicate_rows    integer[] NOT NULL DEFAULT '{}',
                duplicate_of      integer[] NOT NULL DEFAULT '{}',
                -- Set in the transaction that merged the batch: a batch runs once.
                job_id            uuid UNIQUE,
                created_rows      integer,
                updated_rows      integer,
                unchanged_rows    integer,
                rejected_rows     integer,
                finished_at       timestamptz,
                UNIQUE (import_id, batch_no),
                CHECK (cardinality(duplicate_rows) = cardinality(duplicate_of))
            );
            ALTER TABLE migration_batches ALTER COLUMN source SET STORAGE EXTERNAL;

            CREATE TABLE migration_row_results (
                import_id   uuid NOT NULL,
                row_no      integer NOT NULL CHECK (row_no >= 1),
                -- NULL only for a rejected row that had none.
                external_id text,
                outcome     text NOT NULL CHECK (outcome IN ('created', 'updated', 'unchanged', 'rejected')),
                -- For rejected rows: the source column (as the file spells it) and why.
                column_name text,
                reason      text,
                PRIMARY KEY (import_id, row_no),
                CHECK ((outcome = 'rejected') = (reason IS NOT NULL))
            );
            CREATE UNIQUE INDEX migration_row_results_accepted
                ON migration_row_results (import_id, external_id) WHERE outcome <> 'rejected';
            """)
}
