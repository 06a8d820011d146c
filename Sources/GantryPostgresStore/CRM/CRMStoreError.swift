import GantryDomain
import FoundationEssentials
import Glibc

/// A CRM repository call that found nothing to act on. Constraint violations are not wrapped: they
/// arrive as `PostgresError` with their SQLSTATE (23505 duplicate, 23503 missing reference, 23514 check).
public struct CRMStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let projectNotFound = Code(name: "projectNotFound")
        public static let phaseNotFound = Code(name: "phaseNotFound")
        public static let stepNotFound = Code(name: "stepNotFound")
        public static let clientNotFound = Code(name: "clientNotFound")
        public static let corruptRow = Code(name: "corruptRow")
    }

    public var code: Code
    public var projectID: UUID?
    public var phase: DeliveryPhase?
    public var step: String?
    public var message: String

    public init(_ code: Code, projectID: UUID? = nil, phase: DeliveryPhase? = nil, step: String? = nil, message: String) {
        self.code = code
        self.projectID = projectID
        self.phase = phase
        self.step = step
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
