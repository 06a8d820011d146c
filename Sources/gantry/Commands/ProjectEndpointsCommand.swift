import ArgumentParser
import FoundationEssentials
import GantryAPIClient

extension ProjectsCommand {
    /// `gantry projects endpoints`: where a project's stakeholders hear from Gantry (`notify.send`): signed
    /// webhooks and e-mail addresses.
    struct Endpoints: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list and remove a project's notification endpoints (webhooks, e-mail).",
            subcommands: [Add.self, List.self, Remove.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a webhook (--url) or an e-mail endpoint (--email); prints its ID (and a webhook's secret, once).",
                discussion: """
                    A webhook's secret (whsec_…) is generated unless --secret gives one; it is printed now and never \
                    again: the receiver needs it to verify the Standard Webhooks signature.
                    """)

            @Argument(help: "The project's ID.")
            var project: String

            @Option(help: "A webhook: an absolute http(s) URL.")
            var url: String?

            @Option(help: "A webhook's secret (whsec_ + base64 of 24-64 bytes); generated when absent.")
            var secret: String?

            @Option(help: "An e-mail address.")
            var email: String?

            @Option(help: "A name for people (\"Client PMO\").")
            var name: String?

            @Option(help: "Deliveries per second per worker (default 10).")
            var rate: Double?

            @Option(help: "Deliveries at once before the rate applies (default 10).")
            var burst: Int?

            @Flag(help: "Print the endpoint as JSON (the secret included).")
            var json = false

            @OptionGroup var api: APIOptions

            func validate() throws {
                guard (url == nil) != (email == nil) else { throw ValidationError("give exactly one of --url and --email") }
                if email != nil && secret != nil { throw ValidationError("--secret is for webhooks (--url)") }
            }

            func run() async throws {
                let client = try APIClient(api)
                let request = Components.Schemas.EndpointRequest(
                    channel: url != nil ? .webhook : .email, name: name, url: url, secret: secret, email: email,
                    rate_per_second: rate, burst: burst)
                let endpoint = try await client.call {
                    try await $0.createProjectEndpoint(path: .init(id: project), body: .json(request)).created.body.json
                }
                if json { return try JSONOutput.print(endpoint) }
                Text.writeStandardOutput(endpoint.id + "\n")
                var note = "added \(endpoint.channel.rawValue) endpoint \(endpoint.id) → \(endpoint.target)\n"
                if let secret = endpoint.secret {
                    note += "secret \(secret)\n(shown once: give it to the receiver to verify signatures)\n"
                }
                Text.writeStandardError(note)
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "The project's endpoints, oldest first (never their secrets).")

            @Argument(help: "The project's ID.")
            var project: String

            @Flag(help: "Also the disabled ones (a receiver answered 410 Gone).")
            var all = false

            @OptionGroup var output: OutputFormat
            @OptionGroup var api: APIOptions

            func run() async throws {
                let client = try APIClient(api)
                let endpoints = try await client.call {
                    try await $0.listProjectEndpoints(path: .init(id: project), query: .init(include_disabled: all)).ok.body.json
                }.endpoints
                try output.list(endpoints, none: "no endpoints: add one with `gantry projects endpoints add \(project) --url …`") {
                    Table(
                        [.init("ID"), .init("CHANNEL"), .init("TARGET"), .init("NAME"), .init("STATE"), .init("CREATED")],
                        rows: endpoints,
                        cells: { e in
                            [
                                e.id, e.channel.rawValue, e.target, e.name ?? "-",
                                e.enabled ? "enabled" : "disabled" + (e.disabled_reason.map { " (\($0))" } ?? ""),
                                HumanUnits.relative(e.created_at),
                            ]
                        },
                        paint: { e in e.enabled ? nil : { Paint.faint($0) } })
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove an endpoint; what was already sent to it stays in the delivery history.")

            @Argument(help: "The project's ID.")
            var project: String

            @Argument(help: "The endpoint's ID.")
            var endpoint: String

            @OptionGroup var api: APIOptions

            func run() async throws {
                let client = try APIClient(api)
                _ = try await client.call {
                    try await $0.deleteProjectEndpoint(path: .init(id: project, endpointID: endpoint)).noContent
                }
                Text.writeStandardError("removed endpoint \(endpoint)\n")
            }
        }
    }
}
