import GantryDomain

/// The SQL of one entity's batch merge and reconciliation, built once from `ImportEntity.fields`.
///
/// Identifiers come from the compiled-in field table, never from a file, so the statements are
/// assembled as text; every value (project, import, batch, header names) is still a bind.
struct ImportSQL: Sendable {
    let entity: ImportEntity
    let columns: [String]
    /// The per-session staging table: all text, plus the row number and the rejection.
    let staging: String

    init(entity: ImportEntity) {
        self.entity = entity
        self.columns = entity.fields.map(\.column)
        self.staging = "gantry_stage_\(entity.rawValue)"
    }

    /// Temporary, so staging writes no WAL; `ON COMMIT DELETE ROWS`, so each batch transaction starts
    /// from an empty table without re-creating it (no catalog churn per batch).
    var createStaging: String {
        let fields = columns.map { "\($0) text" }.joined(separator: ", ")
        return """
            CREATE TEMP TABLE IF NOT EXISTS \(staging) (row_no integer NOT NULL, \(fields), \
            reject_column text, reject_reason text) ON COMMIT DELETE ROWS
            """
    }

    var clearStaging: String { "DELETE FROM \(staging)" }

    var copyStaging: String {
        "COPY \(staging) (row_no, \(columns.joined(separator: ", ")), reject_column, reject_reason) FROM STDIN"
    }

    /// `s.col::type` for each field, as the target table will hold it.
    private func typed(_ alias: String) -> [String] {
        entity.fields.map { $0.sqlType == "text" ? "\(alias).\($0.column)" : "\(alias).\($0.column)::\($0.sqlType)" }
    }

    /// 60 bits of a 64-bit hash over the canonical text of a row's typed values (NULL as `\N`, fields
    /// joined by U+001F), as a bigint. The same expression over the table's columns and over the staged
    /// rows is what makes the checksum comparable; the session's TimeZone is UTC in both.
    ///
    /// The hash is `hashtextextended`, the one behind hash partitioning (so it stays the same across
    /// PostgreSQL versions): about a quarter of the cost of md5 and its hex-to-bits conversion, which
    /// was the largest part of reconciling a large import (4.4 s against 1.0 s for 800,000 contacts).
    /// Not cryptographic, and it need not be: it detects a row changed behind an import's back, not an
    /// adversary.
    func rowHash(_ values: [String]) -> String {
        let canonical = values.map { "coalesce(\($0)::text, '\\N')" }.joined(separator: ", ")
        return "(hashtextextended(concat_ws(E'\\x1f', \(canonical)), 0) >> 4)"
    }

    /// Marks rows whose reference does not exist in the project: one statement per reference field.
    /// $1 project, $2 header name of the field.
    ///
    /// The lookup is a scalar subquery with LIMIT on purpose: PostgreSQL runs it as one index probe
    /// per staged row, where an anti-join could choose to hash the whole referenced table.
    func referenceCheck(field: ImportField, byName: Bool = false) -> String? {
        guard case .reference(let target) = field.kind else { return nil }
        let what = byName ? "external id or unique name" : "external id"
        return """
            UPDATE \(staging) s SET reject_column = $2,
                reject_reason = 'no \(target.singular) with \(what) ' || s.\(field.column) || ' in this project'
            WHERE s.reject_reason IS NULL AND s.\(field.column) IS NOT NULL
              AND (SELECT 1 FROM \(target.table) r
                    WHERE r.project_id = $1 AND r.external_id = s.\(field.column) LIMIT 1) IS NULL
            """
    }

    /// For a profile that links by name (Fxiaoke): replaces a reference that is no record's external
    /// id by the external id of the one record of the project with that name (accounts and deals by
    /// `name`, contacts and leads by their first and last name joined with a space, as a Chinese
    /// name stored whole in `last_name` reads). A name two records share stays as it is, and the
    /// reference check then rejects the row. $1 project.
    ///
    /// Names are grouped once per batch and hash-joined, so the cost is linear in the table.
    func referenceByName(field: ImportField) -> String? {
        guard case .reference(let target) = field.kind else { return nil }
        let name: String
        switch target {
        case .accounts, .deals: name = "r.name"
        case .contacts, .leads: name = "concat_ws(' ', r.first_name, r.last_name)"
        case .activities: return nil
        }
        return """
            UPDATE \(staging) s SET \(field.column) = n.external_id
            FROM (SELECT \(name) AS name, min(r.external_id) AS external_id, count(*) AS records
                    FROM \(target.table) r WHERE r.project_id = $1 GROUP BY 1) n
            WHERE s.reject_reason IS NULL AND s.\(field.column) IS NOT NULL AND n.name = s.\(field.column)
              AND n.records = 1
              AND (SELECT 1 FROM \(target.table) r
                    WHERE r.project_id = $1 AND r.external_id = s.\(field.column) LIMIT 1) IS NULL
            """
    }

    /// Marks rows whose external id another batch of the same file already accepted: a safety net,
    /// since the planner finds duplicates over the whole file before any batch runs. One index probe
    /// per staged row, as above. $1 import, $2 header name of the external id.
    var duplicateCheck: String {
        """
        UPDATE \(staging) s SET reject_column = $2,
            reject_reason = 'duplicate external id: row ' || d.first_row || ' of this file has it too'
        FROM (SELECT x.row_no,
                     (SELECT r.row_no FROM migration_row_results r
                       WHERE r.import_id = $1 AND r.outcome <> 'rejected' AND r.external_id = x.external_id
                       LIMIT 1) AS first_row
                FROM \(staging) x WHERE x.reject_reason IS NULL) d
        WHERE d.first_row IS NOT NULL AND s.row_no = d.row_no
        """
    }

    /// The merge, the per-row results and the batch's figures in one statement.
    /// $1 project, $2 batch id (written to `migration_batch`), $3 import.
    /// Returns created, updated, unchanged, rejected and the accepted rows' checksum (as text).
    var merge: String {
        let data = columns.dropFirst()
        let insertColumns = (["project_id"] + columns + ["migration_batch"]).joined(separator: ", ")
        let select = (["$1::uuid"] + typed("s") + ["$2::uuid"]).joined(separator: ", ")
        let set = (data.map { "\($0) = EXCLUDED.\($0)" } + ["migration_batch = EXCLUDED.migration_batch"])
            .joined(separator: ", ")
        let current = "(" + data.map { "t.\($0)" }.joined(separator: ", ") + ")"
        let incoming = "(" + data.map { "EXCLUDED.\($0)" }.joined(separator: ", ") + ")"
        return """
            WITH merged AS (
                INSERT INTO \(entity.table) AS t (\(insertColumns))
                SELECT \(select) FROM \(staging) s WHERE s.reject_reason IS NULL
                ON CONFLICT (project_id, external_id) DO UPDATE SET \(set)
                WHERE \(current) IS DISTINCT FROM \(incoming)
                RETURNING t.external_id, (t.xmax = 0) AS created
            ), results AS (
                INSERT INTO migration_row_results (import_id, row_no, external_id, outcome, column_name, reason)
                SELECT $3, s.row_no, s.external_id,
                       CASE WHEN s.reject_reason IS NOT NULL THEN 'rejected'
                            WHEN m.external_id IS NULL THEN 'unchanged'
                            WHEN m.created THEN 'created' ELSE 'updated' END,
                       s.reject_column, s.reject_reason
                FROM \(staging) s LEFT JOIN merged m ON s.reject_reason IS NULL AND m.external_id = s.external_id
                RETURNING outcome
            )
            SELECT count(*) FILTER (WHERE outcome = 'created'),
                   count(*) FILTER (WHERE outcome = 'updated'),
                   count(*) FILTER (WHERE outcome = 'unchanged'),
                   count(*) FILTER (WHERE outcome = 'rejected'),
                   (SELECT coalesce(sum(\(rowHash(typed("s")))), 0)::text FROM \(staging) s WHERE s.reject_reason IS NULL)
            FROM results
            """
    }

    /// Reconciliation figures for one import. $1 project, $2 import.
    /// Returns: results, missing, extra, table checksum (text), in-file duplicates, then one orphan
    /// count per reference field.
    ///
    /// One pass over the import's accepted results joined to the table (and to each referenced
    /// table) gives missing, the checksum and the orphans; one more over the table's rows of the
    /// project gives those this import wrote. Both joins are on unique keys — the table's
    /// `(project_id, external_id)`, and per import the accepted results' external ids
    /// (`migration_row_results_accepted`) — so each accepted result meets at most one row and
    /// "written by the import without an accepted source row" is the rows it wrote minus those an
    /// accepted result meets.
    var reconcile: String {
        let table = entity.table
        var joins: [String] = []
        var orphans: [String] = []
        var orphanColumns = ""
        for (position, field) in entity.fields.enumerated() {
            guard case .reference(let target) = field.kind else { continue }
            joins.append(
                """
                LEFT JOIN \(target.table) x\(position) ON x\(position).project_id = $1
                                                AND x\(position).external_id = t.\(field.column)
                """)
            orphans.append(
                "count(*) FILTER (WHERE t.\(field.column) IS NOT NULL AND x\(position).external_id IS NULL) AS orphans_\(position)")
            orphanColumns += ", accepted.orphans_\(position)"
        }
        return """
            WITH results AS (
                SELECT count(*) AS total,
                       count(*) FILTER (WHERE outcome = 'rejected' AND reason LIKE 'duplicate external id%') AS duplicates
                FROM migration_row_results WHERE import_id = $2
            ), accepted AS (
                SELECT count(*) FILTER (WHERE t.external_id IS NULL) AS missing,
                       count(b.id) AS written_here,
                       coalesce(sum(\(rowHash(columns.map { "t.\($0)" }))) FILTER (WHERE t.external_id IS NOT NULL), 0)
                           AS checksum\(orphans.map { ",\n" + $0 }.joined())
                FROM migration_row_results r
                LEFT JOIN \(table) t ON t.project_id = $1 AND t.external_id = r.external_id
                LEFT JOIN migration_batches b ON b.id = t.migration_batch AND b.import_id = $2
                \(joins.joined(separator: "\n"))
                WHERE r.import_id = $2 AND r.outcome <> 'rejected'
            ), written AS (
                SELECT count(*) AS total FROM \(table) t JOIN migration_batches b ON b.id = t.migration_batch
                WHERE t.project_id = $1 AND b.import_id = $2
            )
            SELECT results.total, accepted.missing, written.total - accepted.written_here, accepted.checksum::text,
                   results.duplicates\(orphanColumns)
            FROM results, accepted, written
            """
    }
}
