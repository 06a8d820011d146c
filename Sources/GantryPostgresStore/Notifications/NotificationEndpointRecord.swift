import FoundationEssentials
import Glibc

/// One place a project's stakeholders hear from Gantry (`notification_endpoints`): a signed
/// webhook or an e-mail address, with the rate its receiver tolerates.
public struct NotificationEndpointRecord: Sendable, Hashable {
    public var id: UUID
    public var projectID: UUID
    public var channel: NotificationChannel
    /// For people: "Client PMO Slack bridge".
    public var name: String?
    /// Webhooks only: an absolute http(s) URL.
    public var url: String?
    /// Webhooks only: the signing key, opened from its sealed column; prints redacted.
    public var secret: NotificationSecret?
    /// E-mail only.
    public var email: String?
    /// Token bucket refill rate and size, applied per worker process.
    public var ratePerSecond: Double
    public var burst: Int
    /// Set when a receiver answered 410 Gone, or by hand; a disabled endpoint gets nothing.
    public var disabledAt: Date?
    public var disabledReason: String?
    public var createdAt: Date

    public init(
        id: UUID, projectID: UUID, channel: NotificationChannel, name: String?, url: String?, secret: NotificationSecret?,
        email: String?, ratePerSecond: Double, burst: Int, disabledAt: Date?, disabledReason: String?, createdAt: Date
    ) {
        self.id = id
        self.projectID = projectID
        self.channel = channel
        self.name = name
        self.url = url
        self.secret = secret
        self.email = email
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
        self.createdAt = createdAt
    }

    public var isEnabled: Bool { disabledAt == nil }

    /// The delivery key of this endpoint: `webhook:<id>`, or `mailto:<address>` so that an e-mail
    /// endpoint and the same address named in a payload are one recipient, notified once.
    public var recipient: String {
        switch channel {
        case .webhook: NotificationRecipient.webhook(id)
        case .email: NotificationRecipient.email(email ?? "")
        }
    }

    /// Where it goes: the URL or the address.
    public var target: String { (channel == .webhook ? url : email) ?? "" }
}

/// Delivery keys (`notification_deliveries.recipient`).
public enum NotificationRecipient {
    public static func webhook(_ endpointID: UUID) -> String { "webhook:\(endpointID.uuidString.lowercased())" }
    /// Addresses are compared lower-cased, as imports store them.
    public static func email(_ address: String) -> String { "mailto:\(address.lowercased())" }
}
