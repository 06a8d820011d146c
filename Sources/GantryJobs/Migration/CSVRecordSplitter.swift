/// Finds where the records of a CSV file begin and end, and reads one key column from each, so a
/// file can be cut into batches of whole records and its duplicate keys found before any batch
/// runs — without parsing every field (each batch's fields are parsed by the CSV library in the
/// worker that runs it).
///
/// A record ends at a line feed outside double quotes; a quote toggles "inside quotes", which also
/// handles escaped quotes (`""`), since they toggle twice. Lines that are empty (or only `\r`)
/// outside quotes are not records. Fields split at commas outside quotes.
import GantryDomain

struct CSVRecordSplitter {
    struct Record {
        /// The record's bytes, including its line ending.
        var range: Range<Int>
        /// The key column's value, unquoted and trimmed; nil when the record has no such field.
        var key: String?
    }

    /// The first record's byte range (the header), or nil for a file with none.
    static func header(in bytes: UnsafeBufferPointer<UInt8>) throws(DataImportError) -> Range<Int>? {
        try scan(bytes, keyColumn: nil, stopAfterFirst: true).first?.range
    }

    /// Every record after `from`, with its `keyColumn` field.
    static func records(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, keyColumn: Int?)
        throws(DataImportError) -> [Record]
    {
        try scan(UnsafeBufferPointer(rebasing: bytes[start...]), keyColumn: keyColumn, stopAfterFirst: false).map {
            Record(range: ($0.range.lowerBound + start)..<($0.range.upperBound + start), key: $0.key)
        }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, keyColumn: Int?, stopAfterFirst: Bool)
        throws(DataImportError) -> [Record]
    {
        var records: [Record] = []
        var start = 0
        var inQuotes = false
        var field = 0
        var fieldStart = 0
        var key: Range<Int>?
        let count = bytes.count
        var index = 0
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes {
                if byte == UInt8(ascii: ",") {
                    if field == keyColumn { key = fieldStart..<index }
                    field += 1
                    fieldStart = index + 1
                } else if byte == UInt8(ascii: "\n") {
                    if field == keyColumn && key == nil { key = fieldStart..<index }
                    append(start..<(index + 1), key: key, bytes, &records)
                    if stopAfterFirst && !records.isEmpty { return records }
                    start = index + 1
                    field = 0
                    fieldStart = start
                    key = nil
                }
            }
            index += 1
        }
        if inQuotes {
            throw DataImportError(.malformedFile, "record \(records.count + 1) opens a quoted field that never closes")
        }
        if start < count {
            if field == keyColumn && key == nil { key = fieldStart..<count }
            append(start..<count, key: key, bytes, &records)
        }
        return records
    }

    private static func append(
        _ range: Range<Int>, key: Range<Int>?, _ bytes: UnsafeBufferPointer<UInt8>, _ records: inout [Record]
    ) {
        var end = range.upperBound
        while end > range.lowerBound && (bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r")) {
            end -= 1
        }
        guard end > range.lowerBound else { return }
        records.append(Record(range: range, key: key.map { unquote(bytes, $0) }))
    }

    /// The field's text as the CSV library reads it (surrounding quotes removed, `""` as `"`),
    /// trimmed as the normaliser trims it.
    private static func unquote(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        var lower = range.lowerBound
        var upper = range.upperBound
        while upper > lower && (bytes[upper - 1] == UInt8(ascii: "\r")) { upper -= 1 }
        if upper - lower >= 2 && bytes[lower] == UInt8(ascii: "\"") && bytes[upper - 1] == UInt8(ascii: "\"") {
            lower += 1
            upper -= 1
            var text: [UInt8] = []
            var index = lower
            while index < upper {
                text.append(bytes[index])
                index += bytes[index] == UInt8(ascii: "\"") && index + 1 < upper && bytes[index + 1] == UInt8(ascii: "\"") ? 2 : 1
            }
            return String(decoding: text, as: UTF8.self).trimmingWhitespace()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
            .trimmingWhitespace()
    }
}
