/// A bounded wait of a test that ran out: what was awaited, for how long, and what was seen last.
public struct WaitTimeout: Error, CustomStringConvertible, Sendable {
    public let what: String
    public let timeout: Duration
    public let detail: String?

    public init(_ what: String, timeout: Duration, detail: String? = nil) {
        self.what = what
        self.timeout = timeout
        self.detail = detail
    }

    public var description: String {
        "timed out after \(timeout) waiting for \(what)" + (detail.map { " (\($0))" } ?? "")
    }
}
