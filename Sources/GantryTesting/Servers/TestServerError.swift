import GantryErrors

/// Why a throwaway test server could not be provided: a code to match on and a message that says what to do.
public struct TestServerError: CodedError {
    public let code: ErrorCode<TestServerError>
    public let message: String

    public init(_ code: ErrorCode<TestServerError>, _ message: String) {
        self.code = code
        self.message = message
    }
}

extension ErrorCode where Owner == TestServerError {
    /// A server binary (`redis-server`, `initdb`, `postgres`) or the `gantry` binary is not installed or built.
    public static var binaryMissing: Self { "binaryMissing" }
    /// The server was found but did not start or did not answer.
    public static var startFailed: Self { "startFailed" }
    /// A helper tool (`createdb`, `useradd`) or a server request (an AOF rewrite) failed.
    public static var toolFailed: Self { "toolFailed" }
}
