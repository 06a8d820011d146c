import GantryPostgresStore

/// One recipient of one run.
struct DeliveryTarget: Sendable {
    var recipient: String
    var channel: NotificationChannel
    var endpoint: NotificationEndpointRecord?
    /// URL or address.
    var target: String
    var ratePerSecond: Double
    var burst: Int
    /// Set for a disabled endpoint: nothing is sent to it.
    var disabledReason: String?

    init(
        recipient: String, channel: NotificationChannel, endpoint: NotificationEndpointRecord?, target: String,
        ratePerSecond: Double, burst: Int
    ) {
        self.recipient = recipient
        self.channel = channel
        self.endpoint = endpoint
        self.target = target
        self.ratePerSecond = ratePerSecond
        self.burst = burst
    }

    init(endpoint: NotificationEndpointRecord) {
        self.init(
            recipient: endpoint.recipient, channel: endpoint.channel, endpoint: endpoint, target: endpoint.target,
            ratePerSecond: endpoint.ratePerSecond, burst: endpoint.burst)
        if !endpoint.isEnabled { disabledReason = endpoint.disabledReason ?? "disabled" }
    }
}
