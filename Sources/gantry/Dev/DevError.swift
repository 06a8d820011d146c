import GantryErrors
import GantryLocalServers

/// Why `gantry dev` could not start or keep running: a code for programs, and a message that says what to do.
struct DevError: CodedError {
    let code: ErrorCode<DevError>
    let message: String

    init(_ code: ErrorCode<DevError>, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A failure of the local-server kit, with what a `gantry dev` user can do instead (`hint`, e.g. "set
    /// GANTRY_REDIS_URL to use a Redis of your own") when a program is missing.
    init(_ error: LocalServerError, hint: String) {
        switch error.code {
        case .programMissing: self.init(.programMissing, error.message + ", or " + hint)
        case .notReady: self.init(.notReady, error.message)
        case .dataDirectory: self.init(.dataDirectory, error.message)
        default: self.init(.toolFailed, error.message)
        }
    }

    /// What to do instead when a server cannot be had at all.
    static let ownServersHint = "set GANTRY_REDIS_URL and GANTRY_DATABASE_URL to use servers of your own"

    /// The message alone: the CLI prints it as the reason gantry dev stopped, and the code adds nothing for people.
    var description: String { message }
}

extension ErrorCode where Owner == DevError {
    /// A server program is not installed.
    static var programMissing: Self { "programMissing" }
    /// Preparing the data directory failed (permissions, initdb).
    static var dataDirectory: Self { "dataDirectory" }
    /// A server did not become ready in time.
    static var notReady: Self { "notReady" }
    /// A server exited while it should have been running.
    static var exitedUnexpectedly: Self { "exitedUnexpectedly" }
    /// `--demo` could not reach the API it seeds.
    static var demo: Self { "demo" }
    /// A helper tool (createdb) failed.
    static var toolFailed: Self { "toolFailed" }
}
