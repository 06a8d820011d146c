import ArgumentParser
import GantryTracing
import Logging

/// `--log-level` of the long-running roles (`gantry api`, `gantry worker`): their logs go to stderr at this level.
struct LogLevelOption: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .info

    /// Sends every logger of the process to stderr at `--log-level`, each line with the current span's
    /// trace and span IDs when the process traces; call once, first thing in `run()`.
    func bootstrap() {
        let level = logLevel
        LoggingSystem.bootstrap(
            { label, provider in
                var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                handler.logLevel = level
                return handler
            }, metadataProvider: GantryTracing.logMetadataProvider)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
