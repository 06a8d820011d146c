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
        while let record = reader.next() {
            // The splitter dropped blank lines between records; the parser sees none.
            rows.append((rowNo, normaliser.normalise(record)))
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
