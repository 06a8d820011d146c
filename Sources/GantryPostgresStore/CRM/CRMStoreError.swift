import FoundationEssentials
import GantryDomain
import GantryErrors
import Glibc

/// A CRM repository call that found nothing to act on. Constraint violations are not wrapped: they
/// arrive as `PostgresError` with their SQLSTATE (23505 duplicate, 23503 missing reference, 23514 check).
public struct CRMStoreError: CodedError, Hashable {
    public typealias Code = ErrorCode<CRMStoreError>

    public var code: Code
    public var projectID: UUID?
    public var phase: DeliveryPhase?
    public var step: String?
    public var message: String

    public init(
        _ code: Code, projectID: UUID? = nil, phase: DeliveryPhase? = nil, step: String? = nil,
        message: String
    ) {
        self.code = code
        self.projectID = projectID
        self.phase = phase
        self.step = step
        self.message = message
    }
}

extension ErrorCode where Owner == CRMStoreError {
    public static var projectNotFound: Self { "projectNotFound" }
    public static var phaseNotFound: Self { "phaseNotFound" }
    public static var stepNotFound: Self { "stepNotFound" }
    public static var clientNotFound: Self { "clientNotFound" }
    public static var corruptRow: Self { "corruptRow" }
}
