import FoundationEssentials

/// An endpoint as lists show it: everything but its secret. What `GET /v1/projects/{id}/endpoints`
/// serves, read without opening a sealed secret, so listing needs no `GANTRY_SECRET_KEY` and can never
/// leak one.
public struct NotificationEndpointSummary: Sendable, Hashable {
    public var id: UUID
    public var projectID: UUID
    public var channel: NotificationChannel
    public var name: String?
    public var url: String?
    public var email: String?
    public var ratePerSecond: Double
    public var burst: Int
    public var disabledAt: Date?
    public var disabledReason: String?
    public var createdAt: Date

    public init(
        id: UUID, projectID: UUID, channel: NotificationChannel, name: String?, url: String?, email: String?,
        ratePerSecond: Double, burst: Int, disabledAt: Date?, disabledReason: String?, createdAt: Date
    ) {
        self.id = id
        self.projectID = projectID
        self.channel = channel
        self.name = name
        self.url = url
        self.email = email
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
        self.createdAt = createdAt
    }

    /// The summary of a record (the secret left behind).
    public init(_ record: NotificationEndpointRecord) {
        self.init(
            id: record.id, projectID: record.projectID, channel: record.channel, name: record.name, url: record.url,
            email: record.email, ratePerSecond: record.ratePerSecond, burst: record.burst, disabledAt: record.disabledAt,
            disabledReason: record.disabledReason, createdAt: record.createdAt)
    }
}
