import CSV
import FoundationEssentials
import GantryDomain
import GantryPostgresStore

/// A batch's records, parsed by the CSV library (quotes, escaped quotes, embedded newlines) and
/// validated one by one; a record the parser cannot read is rejected with the reason.
enum BatchRows {
    static func parse(_ work: ImportBatchWork, normaliser: RowNormaliser) throws(DataImportError)
        -> [(rowNo: Int, verdict: RowVerdict)]
    {
        var rows: [(rowNo: Int, verdict: RowVerdict)] = []
        rows.reserveCapacity(work.rowCount)
        let reader: CSVReader
        do {
            reader = try CSVReader(string: work.source, hasHeaderRow: false)
        } catch {
            throw DataImportError(.malformedFile, "batch \(work.batchNo) cannot be read as CSV: \(error)")
        }
        var rowNo = work.firstRow
        // A second row with an external id this batch already accepted is a duplicate in the file
        // (earlier batches are checked in the database); the first one wins, as in the merge.
        var firstRowOf: [String: Int] = [:]
        firstRowOf.reserveCapacity(work.rowCount)
        let idColumn = normaliser.mapping.headerNames[0]
        while let record = reader.next() {
            // The splitter dropped blank lines between records; the parser sees none.
            var verdict = normaliser.normalise(record)
            if let first = work.duplicates[rowNo] {
                // Found by the planner across the whole file: the first row with the id wins.
                verdict = .rejected(
                    column: idColumn, reason: "duplicate external id: row \(first) of this file has it too",
                    externalID: record.indices.contains(normaliser.mapping.indices[0] ?? -1)
                        ? record[normaliser.mapping.indices[0]!].trimmingWhitespace() : nil)
            } else if case .accepted(let values) = verdict, let id = values[0] {
                if let first = firstRowOf[id] {
                    verdict = .rejected(
                        column: idColumn, reason: "duplicate external id: row \(first) of this file has it too",
                        externalID: id)
                } else {
                    firstRowOf[id] = rowNo
                }
            }
            rows.append((rowNo, verdict))
            rowNo += 1
        }
        if let error = reader.error {
            throw DataImportError(.malformedFile, "batch \(work.batchNo), row \(rowNo): \(error)")
        }
        guard rows.count == work.rowCount else {
            throw DataImportError(
                .malformedFile,
                "batch \(work.batchNo) holds \(work.rowCount) records but the CSV parser read \(rows.count)")
        }
        return rows
    }
}
