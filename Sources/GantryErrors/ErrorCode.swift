/// The stable name of one kind of failure, for programs to match on and logs to show.
///
/// Typed by the error it belongs to (`ErrorCode<SMTPError>`), so codes of different errors cannot
/// be mixed up, while each error declares only its own names:
///
/// ```swift
/// extension ErrorCode where Owner == SMTPError {
///     /// No connection (refused, unreachable, DNS).
///     public static var connectionFailed: Self { "connectionFailed" }
/// }
/// ```
public struct ErrorCode<Owner>: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral name: String) { self.name = name }
    public var description: String { name }
}
