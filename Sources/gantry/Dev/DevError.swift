/// Why `gantry dev` could not start or keep running: a code, and a message that says what to do.
struct DevError: Error, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A server program is not installed.
        static let programMissing = Code(name: "programMissing")
        /// Preparing the data directory failed (permissions, initdb).
        static let dataDirectory = Code(name: "dataDirectory")
        /// A server did not become ready in time.
        static let notReady = Code(name: "notReady")
        /// A server exited while it should have been running.
        static let exitedUnexpectedly = Code(name: "exitedUnexpectedly")
        /// A helper tool (createdb) failed.
        static let toolFailed = Code(name: "toolFailed")
        var description: String { name }
    }

    let code: Code
    let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { message }
}
