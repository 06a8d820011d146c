import FoundationEssentials
import Glibc

/// A notification repository call that found nothing to act on, or a row this build cannot read.
/// Constraint violations arrive as `PostgresError` with their SQLSTATE (23514 for a malformed URL,
/// secret or address, 23503 for an unknown project).
public struct NotificationStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let endpointNotFound = Code(name: "endpointNotFound")
        public static let deliveryNotFound = Code(name: "deliveryNotFound")
        public static let corruptRow = Code(name: "corruptRow")
    }

    public var code: Code
    public var endpointID: UUID?
    public var deliveryID: UUID?
    public var message: String

    public init(_ code: Code, endpointID: UUID? = nil, deliveryID: UUID? = nil, message: String) {
        self.code = code
        self.endpointID = endpointID
        self.deliveryID = deliveryID
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
