/// Where each of an entity's fields sits in a file's records, resolved once from the header row.
///
/// Headers match case-insensitively after trimming (and after dropping a UTF-8 byte-order mark from
/// the first one). Columns the entity does not know are ignored and listed in `ignoredHeaders`, so a
/// full legacy export can be loaded as it is; a missing required column refuses the whole file,
/// before any batch runs.
public struct ColumnMapping: Sendable, Hashable {
    public let entity: ImportEntity
    public let profile: ImportProfile
    /// For each of `entity.fields`, its index in a record, or nil when the file lacks the column.
    public let indices: [Int?]
    /// For each of `entity.fields`, the header as the file spells it (the field's column name when absent).
    public let headerNames: [String]
    /// Headers present in the file that the entity does not use.
    public let ignoredHeaders: [String]
    /// The header's field count: records with another count are rejected.
    public let width: Int
    /// Every header cell as the file spells it, trimmed: how a rejection names any column, also one
    /// the entity does not use.
    public let columns: [String]

    public init(header: [String], entity: ImportEntity, profile: ImportProfile) throws(DomainError) {
        var cells = header
        if let first = cells.first, first.unicodeScalars.first == "\u{FEFF}" {
            cells[0] = String(first.unicodeScalars.dropFirst())
        }
        let keys = cells.map { $0.trimmingWhitespace().lowercased() }
        var byKey: [String: Int] = [:]
        for (index, key) in keys.enumerated() where !key.isEmpty {
            guard byKey[key] == nil else {
                throw DomainError(.duplicate, field: cells[index], "the header names column '\(cells[index])' twice")
            }
            byKey[key] = index
        }
        var indices: [Int?] = []
        var names: [String] = []
        var used = Set<Int>()
        var missing: [String] = []
        for field in entity.fields {
            let candidates = field.headers[profile] ?? [field.column]
            let index = candidates.lazy.compactMap { byKey[$0.lowercased()] }.first
            if let index { used.insert(index) }
            if index == nil && field.isRequired { missing.append(candidates.first ?? field.column) }
            indices.append(index)
            names.append(index.map { cells[$0].trimmingWhitespace() } ?? candidates.first ?? field.column)
        }
        guard missing.isEmpty else {
            throw DomainError(
                .missingField, field: missing.joined(separator: ", "),
                "the \(profile.rawValue) mapping of \(entity.rawValue) needs the column(s) \(missing.joined(separator: ", "))")
        }
        self.entity = entity
        self.profile = profile
        self.indices = indices
        self.headerNames = names
        self.ignoredHeaders = cells.indices.filter { !used.contains($0) && !keys[$0].isEmpty }.map { cells[$0] }
        self.width = cells.count
        self.columns = cells.map { $0.trimmingWhitespace() }
    }

    /// The name of the record's field at `index` (0-based), or nil past the header's last column.
    public func column(at index: Int) -> String? {
        index < columns.count ? columns[index] : nil
    }
}

extension String {
    /// The string without leading and trailing whitespace (spaces, tabs, CR, LF, Unicode spaces):
    /// how every imported value is trimmed, and how the planner reads keys to find duplicates.
    ///
    /// A value that starts and ends with a visible ASCII character (nearly every one) is returned
    /// at once, before any Unicode property lookup: the planner trims a key of every record.
    public func trimmingWhitespace() -> String {
        let utf8 = self.utf8
        guard let firstByte = utf8.first, let lastByte = utf8.last else { return self }
        func visibleASCII(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
        if visibleASCII(firstByte) && visibleASCII(lastByte) { return self }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }
}
