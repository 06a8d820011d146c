/// Finds where the records of a CSV file begin and end, so that a file can be cut into batches of
/// whole records without parsing the fields (each batch's fields are parsed by the CSV library in
/// the worker that runs it).
///
/// A record ends at a line feed outside double quotes; a quote toggles "inside quotes", which also
/// handles escaped quotes (`""`) since they toggle twice. Lines that are empty (or only `\r`)
/// outside quotes are not records.
struct CSVRecordSplitter {
    /// Byte ranges of the records in `bytes`, each including its line ending.
    static func records(in bytes: UnsafeBufferPointer<UInt8>) throws(DataImportError) -> [Range<Int>] {
        var records: [Range<Int>] = []
        var start = 0
        var inQuotes = false
        var quoteOpenedInRecord = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
                if inQuotes { quoteOpenedInRecord = records.count + 1 }
            } else if byte == UInt8(ascii: "\n") && !inQuotes {
                appendRecord(start..<(index + 1), bytes, &records)
                start = index + 1
            }
            index += 1
        }
        if inQuotes {
            throw DataImportError(
                .malformedFile, "record \(quoteOpenedInRecord) opens a quoted field that never closes")
        }
        if start < count { appendRecord(start..<count, bytes, &records) }
        return records
    }

    private static func appendRecord(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>, _ records: inout [Range<Int>]) {
        var end = range.upperBound
        while end > range.lowerBound && (bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r")) {
            end -= 1
        }
        if end > range.lowerBound { records.append(range) }
    }
}
