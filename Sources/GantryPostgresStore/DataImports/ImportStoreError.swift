import FoundationEssentials

/// An import call that found nothing to act on or a row it cannot read. Constraint violations
/// arrive as `PostgresError` with their SQLSTATE.
public struct ImportStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let batchNotFound = Code(name: "batchNotFound")
        public static let importNotFound = Code(name: "importNotFound")
        public static let corruptRow = Code(name: "corruptRow")
    }

    public var code: Code
    public var importID: UUID?
    public var batchNo: Int?
    public var message: String

    public init(_ code: Code, importID: UUID? = nil, batchNo: Int? = nil, _ message: String) {
        self.code = code
        self.importID = importID
        self.batchNo = batchNo
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
