import FoundationEssentials
import Glibc
import GantryCore
import GantryDelivery
import GantryPostgresStore
import Logging

/// `notify.send`: tells a project's stakeholders about an event, by signed webhook and by e-mail,
/// at most once per (project, event, recipient).
///
/// For each recipient the run claims the delivery row (`NotificationDeliveryRepository.claim`):
/// one already sent or failed is skipped, one another run holds is left to it. Then it sends the
/// stored message, then records the attempt and marks the row sent or failed in one statement,
/// retried with backoff when PostgreSQL fails (`NotifyConfiguration.recordRetry`): a database error
/// after a receiver accepted does not fail the run, so no later run sends it again. A second job
/// for the same event, or the same job run twice, therefore sends nothing twice. The one window
/// left is a crash (or PostgreSQL down for longer than those retries) after a receiver accepted and
/// before the row says so: the next run sends again once the claim runs out, with the same
/// `webhook-id` (or `Message-ID`), which is how Standard Webhooks receivers drop duplicates.
///
/// Webhooks reach only public addresses, checked after DNS resolution (`WebhookAddressGuard`), plus
/// the configured allow-list; their secrets are stored sealed (`SecretKeyRing`).
///
/// Failures: 5xx, 408 and timeouts are retried within the run (`NotifyRetryPolicy`), then handed
/// back to the queue (`JobError.retryable`); 429/502/504 honour `Retry-After`, in place when short,
/// through the queue (`retryable(after:)`) when long; any other 4xx fails that delivery for good
/// (410 also disables the endpoint). On the job's last attempt a still-failing delivery is marked
/// failed. A bad payload, an unknown project or endpoint, or e-mail without a relay is permanent.
public struct NotifySendHandler: JobHandler {
    /// The raw payload, which the kind's request type checks (`PayloadFields`).
    public typealias Payload = PayloadFields

    public let kind = NotifySendKind.name
    let store: GantryStore
    let configuration: NotifyConfiguration
    let webhooks: WebhookSender
    let smtp: SMTPClient?
    let limiter: NotifyRateLimiter

    /// `httpClients` are used, never shut down, by the handler: their owner shuts them down after
    /// the worker has drained. They are made on the first webhook (see `LazyHTTPClient`).
    public init(
        store: GantryStore, httpClients: LazyHTTPClient,
        configuration: NotifyConfiguration = NotifyConfiguration(), rateLimiter: NotifyRateLimiter = .shared
    ) {
        self.store = store
        self.configuration = configuration
        self.webhooks = WebhookSender(
            clients: httpClients, addressGuard: configuration.webhookGuard, timeout: configuration.webhookTimeout,
            userAgent: configuration.userAgent)
        self.smtp = configuration.smtp.map { SMTPClient(configuration: $0) }
        self.limiter = rateLimiter
    }

    /// Registers the handler with a client made on the first webhook; the caller shuts `httpClient`
    /// down after the worker has drained.
    public static func register(
        into registry: inout HandlerRegistry, store: GantryStore, httpClient: LazyHTTPClient,
        configuration: NotifyConfiguration = NotifyConfiguration()
    ) {
        registry.register(NotifySendHandler(store: store, httpClients: httpClient, configuration: configuration))
    }

    /// The repository of endpoints, with the keys that open their secrets.
    var endpointRepository: NotificationEndpointRepository {
        store.notificationEndpoints(sealer: configuration.secretKeys)
    }

    public func handle(_ payload: Payload, context: JobContext) async throws -> JSONValue? {
        let request = try NotifyRequest(payload: payload.fields)
        let projectName = try await projectName(request.projectID)
        let targets = try await targets(of: request)
        if smtp == nil, targets.contains(where: { $0.channel == .email && $0.disabledReason == nil }) {
            throw JobError.permanent("notify.send has e-mail recipients but this worker has no SMTP relay configured")
        }
        let renderer = NotificationRenderer(
            event: request.event, projectID: request.projectID, projectName: projectName,
            timestamp: request.event.occurredAt ?? Self.nowSeconds())
        let run = Run(
            handler: self, request: request, renderer: renderer, context: context, token: UUID(),
            // Saturating and bounded: a job stored before the option bounds may carry any deadline.
            holdMs: min(JobEnvelope.maxTimeoutMs, max(0, WallClock.adding(-WallClock.nowMs(), to: context.deadlineMs)))
                + configuration.claimMarginMs)

        var reports: [DeliveryReport] = []
        for target in targets {
            try context.checkCancellation()
            reports.append(try await run.deliver(to: target))
        }
        let summary = Self.summary(eventID: request.event.id, reports)

        let waiting = reports.filter { $0.state == .pending }
        if !waiting.isEmpty {
            let after = waiting.compactMap(\.retryAfterMs).max()
            let reasons = waiting.map { "\($0.recipient): \($0.detail ?? "pending")" }.joined(separator: "; ")
            throw JobError.retryable("\(waiting.count) of \(reports.count) notifications not delivered yet: \(reasons)", after: after)
        }
        context.logger.info(
            "notifications done",
            metadata: [
                "event": "\(request.event.id)", "sent": "\(reports.filter { $0.state == .sent }.count)",
                "failed": "\(reports.filter { $0.state == .failed }.count)",
            ])
        return summary
    }

    func projectName(_ id: UUID) async throws -> String {
        guard let name = try await store.projects.name(of: id) else {
            throw NotifyRequest.invalid(field: "project_id", "no project \(id.uuidString.lowercased())")
        }
        return name
    }

    /// The recipients, each once: the named ones (endpoints must belong to the project), or every
    /// enabled endpoint of the project.
    func targets(of request: NotifyRequest) async throws -> [DeliveryTarget] {
        do {
            return try await namedTargets(of: request)
        } catch let error as NotificationStoreError where error.code == .secretKeyMissing || error.code == .secretUnreadable {
            // The worker's configuration, not the payload, is at fault: another worker (or this one,
            // once configured) can deliver.
            throw JobError.retryable("notify.send cannot read a webhook secret: \(error)")
        }
    }

    func namedTargets(of request: NotifyRequest) async throws -> [DeliveryTarget] {
        let endpoints = endpointRepository
        var targets: [DeliveryTarget] = []
        if let recipients = request.recipients {
            for (i, recipient) in recipients.enumerated() {
                switch recipient {
                case .endpoint(let id):
                    guard let endpoint = try await endpoints.endpoint(id), endpoint.projectID == request.projectID else {
                        throw NotifyRequest.invalid(
                            field: "recipients[\(i)].endpoint_id", "no endpoint \(id.uuidString.lowercased()) in this project")
                    }
                    targets.append(DeliveryTarget(endpoint: endpoint))
                case .email(let address):
                    targets.append(
                        DeliveryTarget(
                            recipient: NotificationRecipient.email(address), channel: .email, endpoint: nil, target: address,
                            ratePerSecond: configuration.defaultRatePerSecond, burst: configuration.defaultBurst))
                }
            }
        } else {
            targets = try await endpoints.endpoints(of: request.projectID).map(DeliveryTarget.init(endpoint:))
        }
        var seen = Set<String>()
        return targets.filter { seen.insert($0.recipient).inserted }
    }

    static func summary(eventID: String, _ reports: [DeliveryReport]) -> JSONValue {
        func count(_ state: DeliveryReport.State) -> JSONValue { .integer(Int64(reports.filter { $0.state == state }.count)) }
        return [
            "event_id": .string(eventID),
            "sent": count(.sent), "already_sent": count(.alreadySent), "failed": count(.failed),
            "disabled": count(.disabled), "pending": count(.pending),
            "deliveries": .array(reports.map(\.json)),
        ]
    }

    static func nowSeconds() -> Int64 { WallClock.nowMs() / 1000 }
}
