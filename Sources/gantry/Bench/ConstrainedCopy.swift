import ArgumentParser
import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgres

/// The import bench's fair peer: the rows an import would store, COPYed into the same CRM tables
/// (the same indexes, CHECKs, foreign keys and triggers), cut into batches of the same size and
/// written the same number at a time — what loading already valid data costs PostgreSQL here, with
/// no merge, no per-row results and no reconciliation.
///
/// The rows are prepared before the clock starts: each file is read with `CSVRecordReader` and
/// normalised with `RowNormaliser`, as a batch job does, so the peer stores exactly the values the
/// import stores (`project_id`, the entity's columns, `migration_batch`; `id`, `created_at` and
/// `updated_at` from their defaults).
struct ConstrainedCopy: Sendable {
    let entity: ImportEntity
    /// Per batch, its rows in `copyStatement`'s column order.
    let batches: [[[String?]]]

    var rows: Int { batches.reduce(0) { $0 + $1.count } }

    var copyStatement: String {
        let columns = ["project_id"] + entity.fields.map(\.column) + ["migration_batch"]
        return "COPY \(entity.table) (\(columns.joined(separator: ", "))) FROM STDIN"
    }

    /// Reads and normalises `file` (a `gantry`-profile export of `entity`) for `projectID`. Throws
    /// when a row would be rejected: the peer loads valid rows only, so every row must be.
    init(file: [UInt8], entity: ImportEntity, projectID: UUID, batchSize: Int) throws {
        self.entity = entity
        var reader = CSVRecordReader(file)
        guard let header = try reader.next() else { throw ValidationError("the generated \(entity.rawValue) file is empty") }
        let normaliser = RowNormaliser(mapping: try ColumnMapping(header: header.fields, entity: entity, profile: .gantry))
        let project = projectID.uuidString.lowercased()
        var batches: [[[String?]]] = []
        var batch: [[String?]] = []
        var batchID = UUID().uuidString.lowercased()
        while let record = try reader.next() {
            guard case .accepted(let values) = normaliser.normalise(record.fields) else {
                throw ValidationError("line \(record.line) of the generated \(entity.rawValue) file is not valid")
            }
            batch.append([project] + values + [batchID])
            if batch.count == batchSize {
                batches.append(batch)
                batch.removeAll(keepingCapacity: true)
                batchID = UUID().uuidString.lowercased()
            }
        }
        if !batch.isEmpty { batches.append(batch) }
        self.batches = batches
    }

    /// COPYs every batch, each in its own transaction on a connection of `pool`, `concurrency` at once.
    func run(_ pool: PostgresConnectionPool, concurrency: Int) async throws {
        let statement = PostgresQuery(unsafeSQL: copyStatement)
        try await BenchConcurrency.run(batches.count, concurrency: concurrency) { index in
            let copied = try await pool.withConnection { connection in
                try await connection.copyFrom(statement) { writer in
                    for row in batches[index] { writer.append(row: row) }
                }
            }
            guard copied == batches[index].count else {
                throw ValidationError("constrained COPY loaded \(copied) rows of \(batches[index].count)")
            }
        }
    }
}

/// Runs `count` numbered tasks, `concurrency` at a time, in order of their number (as a queue's
/// worker slots would take them); `finished` hears how many are done after each.
enum BenchConcurrency {
    static func run(
        _ count: Int, concurrency: Int, finished: (Int) -> Void = { _ in },
        _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            var done = 0
            while next < min(max(1, concurrency), count) {
                group.addTask { [next] in try await body(next) }
                next += 1
            }
            while try await group.next() != nil {
                done += 1
                finished(done)
                if next < count {
                    group.addTask { [next] in try await body(next) }
                    next += 1
                }
            }
        }
    }
}
