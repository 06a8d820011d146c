/// Why a CLI command stopped, with the exit status scripts can rely on (README "Command line"):
/// 1 the job failed (or the server failed the request), 2 usage (bad flags, or input the API refused as invalid),
/// 3 the API or database is unreachable or refused our credentials.
struct CLIError: Error, Sendable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }
        var description: String { rawValue }

        /// Flags, arguments or input that cannot work as given.
        static let usage = Code("usage")
        /// The API (or PostgreSQL, for `gantry tokens`) did not answer, or nothing says where it is.
        static let unreachable = Code("unreachable")
        /// 401 or 403: no token, a bad or revoked token, or one without the scope.
        static let unauthorised = Code("unauthorised")
        /// The API refused the request's content (400, 409, 413, 422).
        static let refused = Code("refused")
        /// The thing asked for does not exist (404).
        static let notFound = Code("not_found")
        /// The job ended failed, dead or cancelled (`--wait`).
        static let jobFailed = Code("job_failed")
        /// A 5xx, or an answer the client cannot read.
        static let server = Code("server")
    }

    var code: Code
    var message: String
    /// The request field the API named, when it named one.
    var field: String?

    init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    var exitCode: Int32 {
        switch code {
        case .usage, .refused: 2
        case .unreachable, .unauthorised: 3
        default: 1
        }
    }

    var description: String { field.map { "\(message) (field \($0))" } ?? message }
}
