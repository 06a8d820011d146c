import GantryErrors

/// Why a local server could not be found, started, or kept running: a code to match on, a message that says
/// what to do, and the server and file it concerns.
public struct LocalServerError: CodedError {
    public let code: ErrorCode<LocalServerError>
    public let message: String
    /// The server concerned (`redis-server`, `postgres`, `initdb`), when there is one.
    public let program: String?
    /// The log to read next, when there is one.
    public let logFile: String?

    public init(_ code: ErrorCode<LocalServerError>, _ message: String, program: String? = nil, logFile: String? = nil) {
        self.code = code
        self.message = message
        self.program = program
        self.logFile = logFile
    }

    public var context: [(label: String, value: String?)] { [("program", program), ("log", logFile)] }
}

extension ErrorCode where Owner == LocalServerError {
    /// A server program (`redis-server`, `initdb`, `postgres`) or a helper (`setpriv`) is not installed.
    public static var programMissing: Self { "programMissing" }
    /// A directory could not be created, owned or searched by the server's user.
    public static var dataDirectory: Self { "dataDirectory" }
    /// The server was found but could not be started (spawn failed, it exited at once).
    public static var startFailed: Self { "startFailed" }
    /// The server started but did not answer within its deadline.
    public static var notReady: Self { "notReady" }
    /// A helper tool (`initdb`, `createdb`, `useradd`) failed.
    public static var toolFailed: Self { "toolFailed" }
}
