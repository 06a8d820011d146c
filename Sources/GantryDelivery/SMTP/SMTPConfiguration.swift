import NIOSSL

/// Where and how `notify.send` hands e-mail to the relay. Immutable once built; the executable reads
/// it from its environment, libraries are given it.
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    /// STARTTLS policy.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain SMTP only (a loopback relay, tests).
        case disabled
        /// Upgrade with STARTTLS when the relay offers it, with certificate verification; plain otherwise.
        case whenOffered
        /// Refuse a relay that does not offer STARTTLS.
        case required
    }

    public struct Credentials: Sendable {
        public var username: String
        public var password: String
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    public var host: String
    public var port: Int
    /// The envelope sender (`MAIL FROM`) and the `From` header.
    public var from: String
    /// What `EHLO` says this host is called.
    public var heloName: String
    public var tls: TLSMode
    /// Certificate checks for STARTTLS; the system's trust roots and full verification by default.
    public var tlsConfiguration: TLSConfiguration
    /// AUTH PLAIN, only when given, and only over TLS or to a loopback relay.
    public var credentials: Credentials?
    /// The whole conversation, connect to QUIT.
    public var timeout: Duration

    public init(
        host: String, port: Int = 25, from: String, heloName: String = "gantry.localdomain",
        tls: TLSMode = .whenOffered, tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        credentials: Credentials? = nil, timeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.from = from
        self.heloName = heloName
        self.tls = tls
        self.tlsConfiguration = tlsConfiguration
        self.credentials = credentials
        self.timeout = timeout
    }

    /// Loopback relays may take credentials without TLS: nothing crosses a network.
    var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    /// Never shows the password.
    public var description: String {
        "smtp://\(credentials.map { "\($0.username):***@" } ?? "")\(host):\(port) (tls \(tls.rawValue), from \(from))"
    }
}
