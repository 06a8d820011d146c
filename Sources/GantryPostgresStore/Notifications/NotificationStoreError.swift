import GantryErrors
import FoundationEssentials
import Glibc

/// A notification repository call that found nothing to act on, or a row this build cannot read.
/// Constraint violations arrive as `PostgresError` with their SQLSTATE (23514 for a malformed URL,
/// secret or address, 23503 for an unknown project).
public struct NotificationStoreError: CodedError, Hashable {
    public typealias Code = ErrorCode<NotificationStoreError>

    public var code: Code
    public var endpointID: UUID?
    public var deliveryID: UUID?
    /// Never holds a secret: the repository words these messages itself.
    public var message: String

    public init(_ code: Code, endpointID: UUID? = nil, deliveryID: UUID? = nil, message: String) {
        self.code = code
        self.endpointID = endpointID
        self.deliveryID = deliveryID
        self.message = message
    }
}

extension ErrorCode where Owner == NotificationStoreError {
    public static var endpointNotFound: Self { "endpointNotFound" }
    public static var deliveryNotFound: Self { "deliveryNotFound" }
    public static var corruptRow: Self { "corruptRow" }
    /// A webhook secret must be written or read and the repository has no key (GANTRY_SECRET_KEY).
    public static var secretKeyMissing: Self { "secretKeyMissing" }
    /// A sealed secret did not open: sealed under a key that is not configured, or altered.
    public static var secretUnreadable: Self { "secretUnreadable" }
}
