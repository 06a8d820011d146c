import FoundationEssentials
import Glibc

/// Where and how to connect to PostgreSQL. Immutable once built; libraries take one of these and never read
/// the environment themselves.
///
/// `description` prints it as a URL with the password replaced by `***`, so it is safe to log.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// A host name, an IP address, or (starting with `/`) the directory of a Unix-domain socket.
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// How long to wait for the server to accept a connection. libpq counts whole seconds, at least 2.
    public var connectTimeout: Duration
    /// Shown in `pg_stat_activity`, which helps operators tell Gantry's connections apart.
    public var applicationName: String
    /// libpq's `sslmode` (`disable`, `prefer`, `require`, `verify-full`, ...); `nil` keeps libpq's default.
    public var sslMode: String?

    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
        connectTimeout: Duration = .seconds(10), applicationName: String = "gantry", sslMode: String? = nil
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
        self.sslMode = sslMode
    }

    /// Parses `postgres://user[:password]@host[:port]/database[?sslmode=...]` (or `postgresql://`).
    ///
    /// User, password and database are percent-decoded. Query parameters understood: `sslmode`,
    /// `application_name`, `connect_timeout` (seconds) and `host` (for example a socket directory). Anything
    /// else is rejected rather than silently ignored.
    /// - Throws: `PostgresError` with code `.invalidConfiguration`; its message never contains the password.
    public init(url: String) throws {
        func invalid(_ reason: String) -> PostgresError {
            PostgresError(code: .invalidConfiguration, message: "invalid PostgreSQL URL: \(reason)")
        }
        guard let components = URLComponents(string: url) else { throw invalid("cannot be parsed") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("the scheme must be postgres:// or postgresql://")
        }
        guard let user = components.user, !user.isEmpty else {
            throw invalid("a user name is required (postgres://user@host/db)")
        }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw invalid("the port must be between 1 and 65535") }
        var path = components.percentEncodedPath
        if path.hasPrefix("/") { path.removeFirst() }
        var decoded = components.path
        if decoded.hasPrefix("/") { decoded.removeFirst() }
        guard !path.contains("/"), case let database = decoded else {
            throw invalid("the path must be a single database name")
        }

        var connectTimeout = Duration.seconds(10)
        var applicationName = "gantry"
        var sslMode: String?
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                sslMode = value
            case "application_name":
                applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds >= 0 else { throw invalid("connect_timeout must be whole seconds") }
                connectTimeout = .seconds(seconds)
            case "host":
                host = value
            default:
                throw invalid("unsupported query parameter '\(item.name)'")
            }
        }
        guard !host.isEmpty else { throw invalid("a host is required") }

        self.init(
            host: host, port: port, user: user,
            password: components.password,
            database: database.isEmpty ? user : database,
            connectTimeout: connectTimeout, applicationName: applicationName, sslMode: sslMode)
    }

    public var description: String {
        // Everything but RFC 3986's unreserved characters, so ':', '@', '/' cannot break the URL.
        func encode(_ text: String) -> String {
            let hex = Array("0123456789ABCDEF".unicodeScalars)
            var out = String.UnicodeScalarView()
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                    UInt8(ascii: "~"):
                    out.append(Unicode.Scalar(byte))
                default:
                    out.append("%")
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                }
            }
            return String(out)
        }
        var text = "postgres://" + encode(user)
        if password != nil { text += ":***" }
        let isSocket = host.hasPrefix("/")
        if isSocket {
            text += "@:\(port)/\(encode(database))?host=\(encode(host))"
        } else {
            text += "@" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)/\(encode(database))"
        }
        var parameters: [String] = []
        if let sslMode { parameters.append("sslmode=\(encode(sslMode))") }
        if applicationName != "gantry" { parameters.append("application_name=\(encode(applicationName))") }
        if !parameters.isEmpty { text += (isSocket ? "&" : "?") + parameters.joined(separator: "&") }
        return text
    }

    /// libpq keyword/value pairs. Session settings pin the text formats that the decoders parse.
    var libpqParameters: [(String, String)] {
        let seconds = connectTimeout.components.seconds + (connectTimeout.components.attoseconds > 0 ? 1 : 0)
        var parameters: [(String, String)] = [
            ("host", host),
            ("port", String(port)),
            ("user", user),
            ("dbname", database),
            ("connect_timeout", String(max(2, seconds))),
            ("application_name", applicationName),
            ("client_encoding", "UTF8"),
            ("options", "-c DateStyle=ISO,MDY -c TimeZone=UTC -c bytea_output=hex -c IntervalStyle=postgres"),
        ]
        if let password { parameters.append(("password", password)) }
        if let sslMode { parameters.append(("sslmode", sslMode)) }
        return parameters
    }
}
