import ArgumentParser

/// How long `--wait` follows a job or an import before it gives up (exit 1).
struct WaitTimeoutOption: ParsableArguments {
    @Option(name: .customLong("wait-timeout"), help: ArgumentHelp("Stop waiting after this long (exit 1).", valueName: "DURATION"))
    var waitTimeout: String?

    func validate() throws {
        if let waitTimeout, HumanUnits.parseDuration(waitTimeout) == nil {
            throw ValidationError("--wait-timeout: '\(waitTimeout)' is not a duration")
        }
    }

    /// The limit in seconds; nil waits for ever.
    var seconds: Double? { waitTimeout.flatMap(HumanUnits.parseDuration) }
}
