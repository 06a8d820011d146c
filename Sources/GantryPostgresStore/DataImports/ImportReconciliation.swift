import GantryCore
import GantryDomain

/// The last step of an import: do the tables hold exactly what the file's accepted rows say?
///
/// Checks (DESIGN.md, "Migrations"): every source row has a result; the outcome counts add up to
/// the source row count; no accepted external id is missing from the table; no row written by this
/// import lacks an accepted source row (extra); the checksum of the accepted rows as staged equals
/// the checksum recomputed from the table; and no reference points at a record that does not exist.
/// In-file duplicates are counted (they were rejected, with the row that had the id first).
public struct ImportReconciliation: Sendable, Hashable {
    public var sourceRows: Int
    public var resultRows: Int
    public var counts: ImportCounts
    public var missing: Int
    public var extra: Int
    public var duplicates: Int
    public var expectedChecksum: String
    public var tableChecksum: String
    /// Per reference column, rows whose referenced record does not exist.
    public var orphans: [String: Int]

    /// What did not balance, for people; empty when balanced.
    public var problems: [String] {
        var problems: [String] = []
        if resultRows != sourceRows { problems.append("\(resultRows) row results for \(sourceRows) source rows") }
        if counts.total != sourceRows {
            problems.append("outcomes add up to \(counts.total), the file has \(sourceRows) rows")
        }
        if missing > 0 { problems.append("\(missing) accepted external id(s) missing from the table") }
        if extra > 0 { problems.append("\(extra) row(s) written by this import without an accepted source row") }
        if expectedChecksum != tableChecksum {
            problems.append("checksum of accepted rows \(expectedChecksum) but the table gives \(tableChecksum)")
        }
        for (column, count) in orphans.sorted(by: { $0.key < $1.key }) where count > 0 {
            problems.append("\(count) row(s) whose \(column) points at no record")
        }
        return problems
    }

    public var isBalanced: Bool { problems.isEmpty }

    public var json: JSONValue {
        var orphanJSON: [String: JSONValue] = [:]
        for (column, count) in orphans { orphanJSON[column] = .number(Double(count)) }
        return [
            "balanced": .bool(isBalanced),
            "source_rows": .number(Double(sourceRows)),
            "result_rows": .number(Double(resultRows)),
            "counts": counts.json,
            "missing": .number(Double(missing)),
            "extra": .number(Double(extra)),
            "duplicates": .number(Double(duplicates)),
            "expected_checksum": .string(expectedChecksum),
            "table_checksum": .string(tableChecksum),
            "orphans": .object(orphanJSON),
            "problems": .array(problems.map { .string($0) }),
        ]
    }
}
