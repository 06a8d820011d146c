/// A Lua script run with EVALSHA. Its SHA-1 is computed locally, so the first run needs no
/// SCRIPT LOAD round trip; a server that has not cached it yet answers NOSCRIPT and the
/// client loads it then (see `RedisConnection.run`).
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// Lowercase hex SHA-1 of `source`, the key of Redis' script cache.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(of: Array(source.utf8))
    }
}
