import FoundationEssentials
import Glibc

/// One notification to one recipient (`notification_deliveries`): what was rendered, where it went
/// and how it ended.
@dynamicMemberLookup
public struct NotificationDeliveryRecord: Sendable, Hashable {
    /// The `notification_deliveries.state` check.
    public enum State: String, Sendable, Hashable, CaseIterable, Codable {
        /// Not delivered yet; a run may claim it.
        case pending
        /// Delivered (2xx, or the relay's 250 after DATA); never sent again.
        case sent
        /// Refused for good (4xx, a 5xx SMTP reply, a disabled endpoint, or retries exhausted).
        case failed
    }

    /// What the sender created: id, event, recipient, channel, target and the rendered message; its
    /// fields read as the record's own (`record.recipient`).
    public var delivery: NewNotificationDelivery
    public var state: State
    public var attempts: Int
    public var claimedBy: UUID?
    public var claimedUntil: Date?
    public var responseCode: Int?
    public var lastError: String?
    public var createdAt: Date
    public var finishedAt: Date?

    public init(
        delivery: NewNotificationDelivery, state: State, attempts: Int, claimedBy: UUID?, claimedUntil: Date?,
        responseCode: Int?, lastError: String?, createdAt: Date, finishedAt: Date?
    ) {
        self.delivery = delivery
        self.state = state
        self.attempts = attempts
        self.claimedBy = claimedBy
        self.claimedUntil = claimedUntil
        self.responseCode = responseCode
        self.lastError = lastError
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    public subscript<Value>(dynamicMember field: WritableKeyPath<NewNotificationDelivery, Value>) -> Value {
        get { delivery[keyPath: field] }
        set { delivery[keyPath: field] = newValue }
    }
}

/// A delivery as a sender would create it, before it has an id or a state.
public struct NewNotificationDelivery: Sendable, Hashable {
    public var id: UUID
    public var eventID: String
    public var eventType: String
    public var projectID: UUID
    /// `webhook:<endpoint id>` or `mailto:<address>` (`NotificationRecipient`).
    public var recipient: String
    public var channel: NotificationChannel
    public var endpointID: UUID?
    /// The URL or address it went to.
    public var target: String
    public var subject: String
    /// Webhook: the JSON body; e-mail: the RFC 5322 message.
    public var message: String

    /// `id` is chosen by the caller, so that it can appear inside `message` (the webhook's
    /// `webhook-id`, the e-mail's `Message-ID`) before the row exists.
    public init(
        id: UUID, eventID: String, eventType: String, projectID: UUID, recipient: String, channel: NotificationChannel,
        endpointID: UUID?, target: String, subject: String, message: String
    ) {
        self.id = id
        self.eventID = eventID
        self.eventType = eventType
        self.projectID = projectID
        self.recipient = recipient
        self.channel = channel
        self.endpointID = endpointID
        self.target = target
        self.subject = subject
        self.message = message
    }
}
