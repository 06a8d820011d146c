import CSV
import FoundationEssentials
import GantryDomain
import GantryPostgresStore

/// Cuts a file into batches before any job runs, and refuses a file that cannot load at all:
/// not UTF-8, no header, a quote that never closes, or a header without the entity's required
/// columns. Those are answered at once, to the person uploading, instead of as thousands of
/// rejected rows.
public struct ImportPlanner: Sendable {
    public init() {}

    public struct Plan: Sendable {
        public var newImport: NewMigrationImport
        /// Headers of the file that the entity's mapping does not use (ignored, listed for people).
        public var ignoredHeaders: [String]
    }

    public func plan(_ request: ImportRequest) throws(DataImportError) -> Plan {
        guard (1...100_000).contains(request.batchSize) else {
            throw DataImportError(.invalidRequest, "batch size \(request.batchSize) is not between 1 and 100000")
        }
        var bytes = request.csv[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            let offset = Self.firstInvalidUTF8(bytes) ?? 0
            throw DataImportError(.notUTF8, "the file is not UTF-8 (invalid byte at offset \(offset))")
        }
        let result: Result<(header: String, mapping: ColumnMapping, batches: [NewImportBatch]), DataImportError> =
            bytes.withUnsafeBufferPointer { buffer in
                do throws(DataImportError) {
                    guard let headerRange = try CSVRecordSplitter.header(in: buffer) else {
                        throw DataImportError(.malformedFile, "the file is empty: a header record is required")
                    }
                    let header = String(decoding: UnsafeBufferPointer(rebasing: buffer[headerRange]), as: UTF8.self)
                    let mapping = try Self.mapping(header: header, entity: request.entity, profile: request.profile)
                    let records = try CSVRecordSplitter.records(
                        in: buffer, from: headerRange.upperBound, keyColumn: mapping.indices[0])
                    // Duplicate external ids over the whole file: the first row with an id wins, whatever
                    // order the batches later run in, so a re-import decides the same way.
                    var firstRowOf: [String: Int] = [:]
                    firstRowOf.reserveCapacity(records.count)
                    var duplicateOf: [Int: Int] = [:]
                    for (index, record) in records.enumerated() {
                        guard let key = record.key, !key.isEmpty else { continue }
                        if let first = firstRowOf[key] {
                            duplicateOf[index + 1] = first
                        } else {
                            firstRowOf[key] = index + 1
                        }
                    }
                    var batches: [NewImportBatch] = []
                    var index = 0
                    while index < records.count {
                        let end = min(index + request.batchSize, records.count)
                        // Record by record, so blank lines between records do not reach the parser.
                        var chunk: [UInt8] = []
                        chunk.reserveCapacity(records[end - 1].range.upperBound - records[index].range.lowerBound + 1)
                        var duplicates: [Int: Int] = [:]
                        for row in index..<end {
                            chunk.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[records[row].range]))
                            if chunk.last != UInt8(ascii: "\n") { chunk.append(UInt8(ascii: "\n")) }
                            if let first = duplicateOf[row + 1] { duplicates[row + 1] = first }
                        }
                        batches.append(
                            NewImportBatch(
                                batchNo: batches.count + 1, firstRow: index + 1, rowCount: end - index,
                                source: String(decoding: chunk, as: UTF8.self), duplicates: duplicates))
                        index = end
                    }
                    return .success((header, mapping, batches))
                } catch {
                    return .failure(error)
                }
            }
        let (header, mapping, batches) = try result.get()
        let newImport = NewMigrationImport(
            projectID: request.projectID, entity: request.entity, profile: request.profile,
            sourceName: request.sourceName, header: header, batchSize: request.batchSize, batches: batches)
        return Plan(newImport: newImport, ignoredHeaders: mapping.ignoredHeaders)
    }

    /// The header record parsed with the CSV library and mapped onto the entity's fields.
    static func mapping(header: String, entity: ImportEntity, profile: ImportProfile) throws(DataImportError)
        -> ColumnMapping
    {
        let cells: [String]
        do {
            let reader = try CSVReader(string: header, hasHeaderRow: false)
            guard let row = reader.next(), reader.error == nil else {
                throw DataImportError(.malformedFile, "the header record cannot be read as CSV")
            }
            cells = row
        } catch let error as DataImportError {
            throw error
        } catch {
            throw DataImportError(.malformedFile, "the header record cannot be read as CSV: \(error)")
        }
        do {
            return try ColumnMapping(header: cells, entity: entity, profile: profile)
        } catch {
            throw DataImportError(.mapping, error.message)
        }
    }

    private static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var consumed = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): consumed += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return consumed
            }
        }
    }
}
