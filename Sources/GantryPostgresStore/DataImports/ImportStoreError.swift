import GantryErrors
import FoundationEssentials

/// An import call that found nothing to act on or a row it cannot read. Constraint violations
/// arrive as `PostgresError` with their SQLSTATE.
public struct ImportStoreError: CodedError, Hashable {
    public typealias Code = ErrorCode<ImportStoreError>

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
}

extension ErrorCode where Owner == ImportStoreError {
    public static var batchNotFound: Self { "batchNotFound" }
    public static var importNotFound: Self { "importNotFound" }
    public static var corruptRow: Self { "corruptRow" }
}
