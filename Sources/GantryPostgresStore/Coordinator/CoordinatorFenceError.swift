import GantryErrors

/// A leader-only write refused because a newer leader has already written: the coordinator that
/// tried it lost its leadership (it was paused, or cut off from Redis, past its lock's expiry) and
/// must stop acting.
public struct CoordinatorFenceError: CodedError, Hashable {
    public typealias Code = ErrorCode<CoordinatorFenceError>

    public var code: Code
    public var message: String
    /// The token that tried to write.
    public var token: UInt64
    /// The newer token that has written (what `coordinator_fence` holds).
    public var current: UInt64?
    public var holder: String?

    public init(_ code: Code, token: UInt64, current: UInt64?, holder: String?, message: String) {
        self.code = code
        self.token = token
        self.current = current
        self.holder = holder
        self.message = message
    }

    public var context: [(label: String, value: String?)] {
        [("token", "\(token)"), ("current", current.map { "\($0)" }), ("holder", holder)]
    }
}

extension ErrorCode where Owner == CoordinatorFenceError {
    /// A newer fencing token has written; this leader's term is over.
    public static var superseded: Self { "superseded" }
    /// The token does not fit PostgreSQL's bigint.
    public static var invalidToken: Self { "invalidToken" }
}
