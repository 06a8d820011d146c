import FoundationEssentials
import GantryCore
import GantryPostgresStore
import OpenAPIRuntime

/// A project's notification endpoints: where `notify.send` tells its stakeholders about it.
extension APIService {
    func createProjectEndpoint(_ input: Operations.createProjectEndpoint.Input) async throws
        -> Operations.createProjectEndpoint.Output
    {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        let endpoints = try required(dependencies.endpoints, "notification endpoint store")
        let rules = try required(dependencies.endpointRules, "notification endpoint rules")
        let projectID = try Self.uuid(input.path.id)
        var name: String?
        if let text = body.name {
            do {
                name = try Self.text(text, field: "name")
            } catch let error as APIError {
                throw Self.refusal(error.message, field: "name")
            }
        }
        let rate = body.rate_per_second ?? 10
        guard rate.isFinite, rate > 0, rate <= 1_000 else {
            throw Self.refusal("must be more than 0 and at most 1000 deliveries per second", field: "rate_per_second")
        }
        let burst = body.burst ?? 10
        guard (1...10_000).contains(burst) else { throw Self.refusal("must be 1-10000", field: "burst") }

        // Checked before the project, so a malformed request is told so whether or not the project exists.
        enum Channel { case webhook(url: String, secret: String), email(String) }
        let channel: Channel
        switch body.channel {
        case .webhook:
            if body.email != nil { throw Self.refusal("a webhook has no e-mail address", field: "email") }
            guard let url = body.url else { throw Self.refusal("a webhook needs its URL", field: "url") }
            try Self.checkWebhookURL(url)
            let secret: String
            if let given = body.secret {
                if let problem = rules.secretProblem(given) { throw Self.refusal(problem, field: "secret") }
                secret = given
            } else {
                secret = rules.newSecret()
            }
            channel = .webhook(url: url, secret: secret)
        case .email:
            if body.url != nil { throw Self.refusal("an e-mail endpoint has no URL", field: "url") }
            if body.secret != nil { throw Self.refusal("an e-mail endpoint has no secret", field: "secret") }
            guard let address = body.email else { throw Self.refusal("an e-mail endpoint needs its address", field: "email") }
            guard rules.isValidEmail(address) else {
                throw Self.refusal("'\(Self.quoted(address))' is not an e-mail address (name@example.com)", field: "email")
            }
            channel = .email(address)
        }

        guard try await projectExists(projectID) else { throw APIError.notFound("project", projectID.uuidString.lowercased()) }
        let record: NotificationEndpointRecord
        do {
            switch channel {
            case .webhook(let url, let secret):
                record = try await endpoints.createWebhook(
                    projectID: projectID, url: url, secret: secret, name: name, ratePerSecond: rate, burst: burst)
            case .email(let address):
                record = try await endpoints.createEmail(
                    projectID: projectID, address: address, name: name, ratePerSecond: rate, burst: burst)
            }
        } catch let error as NotificationStoreError where error.code == .secretKeyMissing {
            throw APIError(
                503, "not_configured",
                "this API process has no GANTRY_SECRET_KEY, which seals webhook secrets: set it (as on the workers) to add webhooks")
        }
        var answer = Self.endpointAnswer(NotificationEndpointSummary(record))
        // The one time the secret leaves the store: the client must keep it to verify signatures.
        answer.secret = record.secret?.text
        return .created(.init(body: .json(answer)))
    }

    func listProjectEndpoints(_ input: Operations.listProjectEndpoints.Input) async throws
        -> Operations.listProjectEndpoints.Output
    {
        let endpoints = try required(dependencies.endpoints, "notification endpoint store")
        let projectID = try Self.uuid(input.path.id)
        guard try await projectExists(projectID) else { throw APIError.notFound("project", projectID.uuidString.lowercased()) }
        let summaries = try await endpoints.summaries(of: projectID, includeDisabled: input.query.include_disabled ?? false)
        return .ok(.init(body: .json(.init(endpoints: summaries.map(Self.endpointAnswer)))))
    }

    func deleteProjectEndpoint(_ input: Operations.deleteProjectEndpoint.Input) async throws
        -> Operations.deleteProjectEndpoint.Output
    {
        let endpoints = try required(dependencies.endpoints, "notification endpoint store")
        let projectID = try Self.uuid(input.path.id)
        let endpointID = try Self.uuid(input.path.endpointID, field: "endpointID")
        guard try await endpoints.remove(endpointID, of: projectID) else {
            throw APIError.notFound("endpoint of project \(projectID.uuidString.lowercased())", endpointID.uuidString.lowercased())
        }
        return .noContent(.init())
    }

    func projectExists(_ id: UUID) async throws -> Bool {
        try await required(dependencies.projects, "project store").name(of: id) != nil
    }

    /// An endpoint as the document shows it, never with its secret.
    static func endpointAnswer(_ e: NotificationEndpointSummary) -> Components.Schemas.Endpoint {
        Components.Schemas.Endpoint(
            id: e.id.uuidString.lowercased(), project_id: e.projectID.uuidString.lowercased(), channel: .init(wire: e.channel),
            name: e.name, target: (e.channel == .webhook ? e.url : e.email) ?? "", url: e.url, email: e.email, secret: nil,
            enabled: e.disabledAt == nil, disabled_at: e.disabledAt, disabled_reason: e.disabledReason,
            rate_per_second: e.ratePerSecond, burst: e.burst, created_at: e.createdAt)
    }

    /// A webhook URL `notify.send` can post to: absolute http(s) with a host, no credentials (they would
    /// show in every listing; the signature is what authenticates Gantry), no spaces or control characters,
    /// at most 2048 bytes. Whether the address may be reached is the worker's check at send time
    /// (`GANTRY_WEBHOOK_ALLOW`), as DNS can change after today.
    static func checkWebhookURL(_ text: String) throws {
        guard text.utf8.count <= 2_048 else { throw refusal("at most 2048 bytes", field: "url") }
        guard !text.contains(where: { $0.isWhitespace }), ControlCharacters.first(in: text, allowLineBreaks: false) == nil,
            let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            text.lowercased().hasPrefix(scheme + "://"), let host = url.host(), !host.isEmpty
        else {
            throw refusal("'\(quoted(text))' is not an absolute http(s) URL (https://hooks.example.com/gantry)", field: "url")
        }
        guard url.user() == nil, url.password() == nil else {
            throw refusal("must not carry a user name or password: webhooks are authenticated by their signature", field: "url")
        }
    }

    /// A 400 that names the field, the shape every endpoint refusal has.
    static func refusal(_ message: String, field: String) -> APIError {
        APIError(400, "invalid_endpoint", message, field: field)
    }

    /// At most 80 characters of a client's value, for a message.
    static func quoted(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(77)) + "..."
    }
}
