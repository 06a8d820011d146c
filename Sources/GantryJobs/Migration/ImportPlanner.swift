import FoundationEssentials
import GantryCore
import GantryDomain
import GantryPostgresStore

/// Cuts a file into batches before any job runs, and refuses a file that cannot load at all:
/// neither UTF-8 nor GB18030 (or not the encoding named), a NUL byte, no header, a quote that
/// never closes, or a header without the entity's required columns. Those are answered at once,
/// to the person uploading, instead of as thousands of rejected rows.
///
/// Records are read with `CSVRecordReader`, the reader each batch uses too, and every batch stores
/// its records' bytes each followed by CRLF (a line ending both kinds of file accept), so a batch
/// reads back exactly the records the planner counted.
public struct ImportPlanner: Sendable {
    public init() {}

    public struct Plan: Sendable {
        public var newImport: NewMigrationImport
        /// Headers of the file that the entity's mapping does not use (ignored, listed for people).
        public var ignoredHeaders: [String]
        /// What the file was read as; its batches are stored as UTF-8 whatever it was.
        public var encoding: SourceEncoding
        /// True when the file was not UTF-8 and GB18030 was a guess (`DecodedSource.note` says so).
        public var encodingDetected: Bool
    }

    /// A stored header read back: its mapping, and the file's line ending its batches are read with.
    public struct Header: Sendable {
        public var mapping: ColumnMapping
        public var lineEnding: CSVRecordReader.LineEnding
    }

    public func plan(_ request: ImportRequest) throws(DataImportError) -> Plan {
        guard (1...100_000).contains(request.batchSize) else {
            throw DataImportError(.invalidRequest, "batch size \(request.batchSize) is not between 1 and 100000")
        }
        if let (scalar, _) = ControlCharacters.first(in: request.sourceName, allowLineBreaks: false) {
            throw DataImportError(
                .invalidRequest, "the file name holds the control character \(ControlCharacters.name(scalar)); rename the file")
        }
        let decoded: DecodedSource
        do {
            decoded = try SourceDecoder.decode(request.csv, as: request.encoding)
        } catch {
            throw DataImportError(error.code == .notGB18030 ? .notGB18030 : .notUTF8, error.message)
        }
        let file = decoded.bytes
        var reader = CSVRecordReader(file)
        guard let headerRecord = try Self.next(&reader) else {
            throw DataImportError(.malformedFile, "the file is empty: a header record is required")
        }
        // Kept with its line ending: the batches are read with the line ending it shows.
        let header = String(decoding: file[headerRecord.content.lowerBound..<reader.offset], as: UTF8.self)
        let mapping = try Self.mapping(headerRecord, entity: request.entity, profile: request.profile)
        let keyColumn = mapping.indices[0]

        // Duplicate external ids over the whole file: the first row with an id wins, whatever
        // order the batches later run in, so a re-import decides the same way.
        var firstRowOf: [String: Int] = [:]
        var duplicateOf: [Int: Int] = [:]
        var contents: [Range<Int>] = []
        while let record = try Self.next(&reader) {
            if contents.isEmpty {
                // As many records as the first one's length divides the file into: reserved once, not
                // grown and rehashed twenty times on the way to a million keys.
                let estimate = (file.count - record.content.lowerBound) / (record.content.count + 1)
                firstRowOf.reserveCapacity(estimate)
                contents.reserveCapacity(estimate)
            }
            contents.append(record.content)
            let row = contents.count
            guard let keyColumn, keyColumn < record.fields.count else { continue }
            let key = record.fields[keyColumn].trimmingWhitespace()
            guard !key.isEmpty else { continue }
            if let first = firstRowOf[key] {
                duplicateOf[row] = first
            } else {
                firstRowOf[key] = row
            }
        }
        var batches: [NewImportBatch] = []
        var index = 0
        while index < contents.count {
            let end = min(index + request.batchSize, contents.count)
            var chunk: [UInt8] = []
            chunk.reserveCapacity(contents[end - 1].upperBound - contents[index].lowerBound + 2 * (end - index))
            var duplicates: [Int: Int] = [:]
            for row in index..<end {
                chunk.append(contentsOf: file[contents[row]])
                chunk.append(contentsOf: CSVRecordReader.recordTerminator)
                if let first = duplicateOf[row + 1] { duplicates[row + 1] = first }
            }
            batches.append(
                NewImportBatch(
                    batchNo: batches.count + 1, firstRow: index + 1, rowCount: end - index,
                    source: String(decoding: chunk, as: UTF8.self), duplicates: duplicates))
            index = end
        }
        let newImport = NewMigrationImport(
            projectID: request.projectID, entity: request.entity, profile: request.profile,
            sourceName: request.sourceName, header: header, batchSize: request.batchSize, batches: batches)
        return Plan(
            newImport: newImport, ignoredHeaders: mapping.ignoredHeaders, encoding: decoded.encoding,
            encodingDetected: decoded.detected)
    }

    /// The header as the planner stored it (with its line ending), read back for a batch.
    public static func header(_ text: String, entity: ImportEntity, profile: ImportProfile) throws(DataImportError)
        -> Header
    {
        var reader = CSVRecordReader(Array(text.utf8))
        guard let record = try next(&reader) else {
            throw DataImportError(.malformedFile, "the stored header is empty")
        }
        // A header without a line ending belongs to a file without records, which has no batches.
        return Header(mapping: try mapping(record, entity: entity, profile: profile), lineEnding: reader.lineEnding ?? .lf)
    }

    /// The next record, with the reader's refusals as the import's.
    static func next(_ reader: inout CSVRecordReader) throws(DataImportError) -> CSVRecordReader.Record? {
        do {
            return try reader.next()
        } catch {
            throw DataImportError(error.code == .nul ? .nulByte : .malformedFile, error.message)
        }
    }

    /// The header record mapped onto the entity's fields.
    static func mapping(_ header: CSVRecordReader.Record, entity: ImportEntity, profile: ImportProfile)
        throws(DataImportError) -> ColumnMapping
    {
        if let problem = header.problem {
            throw DataImportError(.malformedFile, "the header record's column \(problem.field + 1) \(problem.reason)")
        }
        do {
            return try ColumnMapping(header: header.fields, entity: entity, profile: profile)
        } catch {
            throw DataImportError(.mapping, error.message)
        }
    }
}
