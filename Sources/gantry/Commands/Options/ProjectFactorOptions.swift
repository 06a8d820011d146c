import ArgumentParser
import GantryAPIClient

/// The three factors besides the client's size that scale a project's phase durations.
struct ProjectFactorOptions: ParsableArguments {
    @Option(help: "Requirement complexity: low, medium, high, very_high.")
    var complexity: String

    @Option(help: "Team capability: low, medium, high, very_high.")
    var team: String

    @Option(help: "Project-management efficiency: low, medium, high, very_high.")
    var management: String

    func validate() throws {
        for (flag, value) in [("--complexity", complexity), ("--team", team), ("--management", management)]
        where Components.Schemas.FactorLevel(rawValue: value) == nil {
            throw ValidationError("\(flag) must be one of low, medium, high, very_high")
        }
    }

    /// The factors, with the client's size only for an existing client (a new one brings its own).
    func factors(existingClientSize: Components.Schemas.ClientSize?) -> Components.Schemas.ProjectRequest.factorsPayload {
        .init(
            client_size: existingClientSize, complexity: .init(rawValue: complexity)!, team_capability: .init(rawValue: team)!,
            management_efficiency: .init(rawValue: management)!)
    }
}
