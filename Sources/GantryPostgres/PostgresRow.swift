/// Column names and types shared by every row of one result.
final class PostgresColumns: Sendable {
    let names: [String]
    let dataTypes: [PostgresDataType]
    let indexByName: [String: Int]

    init(names: [String], dataTypes: [PostgresDataType]) {
        self.names = names
        self.dataTypes = dataTypes
        var index: [String: Int] = [:]
        // The first column wins when a name repeats, as in most drivers.
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        self.indexByName = index
    }
}

/// One row of a result, copied out of libpq's memory.
public struct PostgresRow: Sendable {
    let columns: PostgresColumns
    let values: [[UInt8]?]

    /// The column names, in order.
    public var columnNames: [String] { columns.names }
    public var count: Int { values.count }

    /// The raw cell at `column`, for custom decoding.
    public func cell(_ column: Int) -> PostgresCell {
        PostgresCell(
            dataType: columns.dataTypes[column], format: .text, bytes: values[column],
            columnName: columns.names[column])
    }

    /// Decodes the value at `column` (0-based). SQL NULL decodes only into an `Optional`.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws -> T {
        guard values.indices.contains(column) else {
            throw PostgresError(
                code: .decoding, message: "column index \(column) out of range (the row has \(values.count) columns)")
        }
        do {
            guard let bytes = values[column] else { return try T.postgresNull() }
            return try T(postgresBytes: bytes, dataType: columns.dataTypes[column], format: .text)
        } catch var error as PostgresError {
            error.message = "column \(column) '\(columns.names[column])': \(error.message)"
            throw error
        }
    }

    /// Decodes the value of the column called `name` (the first one, if several share it).
    public func decode<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let column = columns.indexByName[name] else {
            throw PostgresError(
                code: .decoding,
                message: "no column named '\(name)' (columns: \(columns.names.joined(separator: ", ")))")
        }
        return try decode(column, as: type)
    }
}

/// The rows and status of one statement.
public struct PostgresResult: Sendable, Sequence {
    public var rows: [PostgresRow]
    public var columns: [String]
    /// Rows inserted, updated, deleted, selected or copied, from the command tag; 0 when it has no count.
    public var affectedRows: Int
    /// The command tag, for example `INSERT 0 1` or `SELECT 3`.
    public var commandTag: String

    public init(rows: [PostgresRow] = [], columns: [String] = [], affectedRows: Int = 0, commandTag: String = "") {
        self.rows = rows
        self.columns = columns
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }

    public func makeIterator() -> IndexingIterator<[PostgresRow]> { rows.makeIterator() }

    /// The first row, or `nil` when there are none.
    public var first: PostgresRow? { rows.first }
}
