import FoundationEssentials
import Glibc

/// Where and how to reach one Redis server: an immutable value handed to a connection or pool.
///
/// Printing it (`description`) shows a `redis://` URL with the password replaced by `***`,
/// so configurations can be logged; `debugDescription` (`String(reflecting:)`) shows everything.
public struct RedisConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// ACL user for `AUTH user password` (Redis 6+); `nil` uses `AUTH password`.
    public var username: String?
    /// Password sent with AUTH at every (re)connect; `nil` sends no AUTH.
    public var password: String?
    /// Database selected with SELECT at every (re)connect.
    public var database: Int
    /// Limit on establishing the TCP connection.
    public var connectTimeout: Duration
    /// Limit on each read and write of an ordinary command; blocking commands pass their own.
    public var commandTimeout: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`.
    ///
    /// User and password may be percent-encoded. Missing parts take the defaults of
    /// `init(host:port:...)`. Throws `RedisError(code: .invalidConfiguration)` for another
    /// scheme (including `rediss`, as this client has no TLS), a missing host, a bad port or database.
    public init(url: String) throws {
        // The message never repeats the URL: it may hold a password.
        func invalid(_ reason: String) -> RedisError {
            RedisError(code: .invalidConfiguration, message: "invalid Redis URL: \(reason)")
        }
        guard let components = URLComponents(string: url) else { throw invalid("not a URL") }
        guard components.scheme?.lowercased() == "redis" else {
            throw invalid("scheme must be redis://")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("missing host") }
        if components.query != nil || components.fragment != nil {
            throw invalid("query and fragment are not supported")
        }
        var port = 6379
        if let explicit = components.port {
            guard (1...65535).contains(explicit) else { throw invalid("port out of range") }
            port = explicit
        }
        var database = 0
        let path = components.path
        if !path.isEmpty && path != "/" {
            guard path.hasPrefix("/"), let number = Int(path.dropFirst()), number >= 0 else {
                throw invalid("database must be a non-negative integer")
            }
            database = number
        }
        let user = components.user.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.password
        if user != nil && password == nil {
            throw invalid("a user needs a password (redis://user:password@host)")
        }
        self.init(host: host, port: port, username: user, password: password, database: database)
    }

    /// The configuration as a `redis://` URL with the password redacted to `***`.
    public var description: String {
        url(redacting: true)
    }

    /// Every field, password included: for debugging only.
    public var debugDescription: String {
        "RedisConfiguration(\(url(redacting: false)), connectTimeout: \(connectTimeout), commandTimeout: \(commandTimeout))"
    }

    private func url(redacting: Bool) -> String {
        var credentials = ""
        if let password {
            let shown = redacting ? "***" : Self.encode(password)
            credentials = "\(Self.encode(username ?? "")):\(shown)@"
        } else if let username {
            credentials = "\(Self.encode(username))@"
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "redis://\(credentials)\(shownHost):\(port)/\(database)"
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, so `:` and `@` in a
    /// user name or password cannot break the URL.
    private static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
