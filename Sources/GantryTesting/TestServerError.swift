/// Why a throwaway test server could not be provided: a code to match on and a message that says what to do.
public struct TestServerError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A server binary (`redis-server`, `initdb`, `pg_ctl`) is not installed.
        public static let binaryMissing = Code(name: "binaryMissing")
        /// The server was found but did not start or did not answer.
        public static let startFailed = Code(name: "startFailed")
        /// A helper tool (`createdb`, `pg_ctl stop`, `useradd`) failed.
        public static let toolFailed = Code(name: "toolFailed")
        public var description: String { name }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "TestServerError.\(code): \(message)" }
}
