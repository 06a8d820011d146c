import GantryDomain
import GantryPostgresStore

/// A batch's records, read with `CSVRecordReader` (the reader the planner counted them with) and
/// validated one by one; a record the reader found something wrong with is rejected with the reason.
enum BatchRows {
    static func parse(_ work: ImportBatchWork, header: ImportPlanner.Header) throws(DataImportError)
        -> [(rowNo: Int, verdict: RowVerdict)]
    {
        let mapping = header.mapping
        let normaliser = RowNormaliser(mapping: mapping)
        var rows: [(rowNo: Int, verdict: RowVerdict)] = []
        rows.reserveCapacity(work.rowCount)
        var reader = CSVRecordReader(Array(work.source.utf8), lineEnding: header.lineEnding)
        var rowNo = work.firstRow
        // A second row with an external id this batch already accepted is a duplicate in the file
        // (earlier batches are checked in the database); the first one wins, as in the merge.
        var firstRowOf: [String: Int] = [:]
        firstRowOf.reserveCapacity(work.rowCount)
        let idColumn = mapping.headerNames[0]
        while let record = try ImportPlanner.next(&reader) {
            let externalID = mapping.indices[0].flatMap { index in
                index < record.fields.count ? record.fields[index].trimmingWhitespace() : nil
            }.flatMap { $0.isEmpty ? nil : $0 }
            var verdict: RowVerdict
            if let problem = record.problem {
                verdict = .rejected(
                    column: mapping.column(at: problem.field), reason: problem.reason, externalID: externalID)
            } else if let first = work.duplicates[rowNo] {
                // Found by the planner across the whole file: the first row with the id wins.
                verdict = .rejected(
                    column: idColumn, reason: "duplicate external id: row \(first) of this file has it too",
                    externalID: externalID)
            } else {
                verdict = normaliser.normalise(record.fields)
                if case .accepted(let values) = verdict, let id = values[0] {
                    if let first = firstRowOf[id] {
                        verdict = .rejected(
                            column: idColumn, reason: "duplicate external id: row \(first) of this file has it too",
                            externalID: id)
                    } else {
                        firstRowOf[id] = rowNo
                    }
                }
            }
            rows.append((rowNo, verdict))
            rowNo += 1
        }
        // The planner stored exactly the records it counted, so this is a bug, never bad input.
        guard rows.count == work.rowCount else {
            throw DataImportError(
                .malformedFile,
                "batch \(work.batchNo) holds \(work.rowCount) records but its stored text reads as \(rows.count)")
        }
        return rows
    }
}
