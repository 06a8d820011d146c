import FoundationEssentials
import Glibc
import GantryDomain

/// A client of the delivery firm, as stored in `clients`.
public struct ClientRecord: Sendable, Hashable {
    /// The seed's client-size levels (the `clients.size` check): the domain's `ClientSize`.
    public typealias Size = ClientSize

    public var id: UUID
    public var name: String
    public var size: Size
    public var industry: String?
    public var createdAt: Date

    public init(id: UUID, name: String, size: Size, industry: String?, createdAt: Date) {
        self.id = id
        self.name = name
        self.size = size
        self.industry = industry
        self.createdAt = createdAt
    }
}
