import FoundationEssentials
import Glibc
import GantryPostgres

/// Creates and reads the delivery firm's clients (`clients`).
public struct ClientRepository: StoreRepository {
    let executor: StoreExecutor

    public init(executor: StoreExecutor) { self.executor = executor }

    /// Inserts a client. A blank name is refused by the table (SQLSTATE 23514).
    public func createClient(name: String, size: ClientRecord.Size, industry: String? = nil) async throws -> ClientRecord {
        let result = try await executor.query(
            """
            INSERT INTO clients (name, size, industry) VALUES (\(name), \(size.rawValue), \(industry))
            RETURNING id, name, size, industry, created_at
            """)
        guard let row = result.first else {
            throw CRMStoreError(.corruptRow, message: "INSERT INTO clients returned no row")
        }
        return try Self.client(from: row)
    }

    public func client(_ id: UUID) async throws -> ClientRecord? {
        let result = try await executor.query("SELECT id, name, size, industry, created_at FROM clients WHERE id = \(id)")
        return try result.first.map(Self.client(from:))
    }

    static func client(from row: PostgresRow) throws -> ClientRecord {
        ClientRecord(
            id: try row.decode(0, as: UUID.self), name: try row.decode(1, as: String.self),
            size: try row.decodeRaw(2, as: ClientRecord.Size.self), industry: try row.decode(3, as: String?.self),
            createdAt: try row.decode(4, as: Date.self))
    }
}

extension PostgresRow {
    /// Decodes a text column into a string enum; a value the enum lacks means the schema and this
    /// build disagree, reported with the column and the value.
    func decodeRaw<E: RawRepresentable>(_ column: Int, as type: E.Type) throws -> E where E.RawValue == String {
        let raw = try decode(column, as: String.self)
        guard let value = E(rawValue: raw) else {
            throw CRMStoreError(
                .corruptRow, message: "column \(columnNames[column]) holds '\(raw)', unknown to \(E.self)")
        }
        return value
    }
}
