import ArgumentParser
import GantryAPIClient

/// The client of a new project: an existing one (`--client-id`), or a new one made with it.
struct ProjectClientOptions: ParsableArguments {
    @Option(help: "A new client's name (or --client-id).")
    var client: String?

    @Option(name: .customLong("client-size"), help: "A new client's size: small, medium, large, enterprise.")
    var clientSize: String?

    @Option(name: .customLong("client-id"), help: "An existing client.")
    var clientID: String?

    @Option(help: "A new client's industry.")
    var industry: String?

    func validate() throws {
        guard (client == nil) != (clientID == nil) else { throw ValidationError("give exactly one of --client and --client-id") }
        if client != nil, clientSize == nil { throw ValidationError("a new --client needs --client-size") }
        if let clientSize, Components.Schemas.ClientSize(rawValue: clientSize) == nil {
            throw ValidationError("--client-size must be one of small, medium, large, enterprise")
        }
    }

    var size: Components.Schemas.ClientSize? { clientSize.flatMap(Components.Schemas.ClientSize.init(rawValue:)) }

    /// The new client to make, when there is one.
    var newClient: Components.Schemas.ClientRequest? {
        client.map { Components.Schemas.ClientRequest(name: $0, size: size ?? .medium, industry: industry) }
    }
}
