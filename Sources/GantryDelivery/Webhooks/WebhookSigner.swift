import Crypto
import FoundationEssentials
import Glibc

/// Signs webhook requests the Standard Webhooks way: `webhook-signature` is `v1,` + base64 of
/// HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the endpoint's secret.
///
/// Receivers check the signature in constant time and refuse timestamps more than about five
/// minutes off, so the id, the timestamp and the body are all covered: a replayed or altered request
/// fails. The header is a space-separated list so that a receiver can accept both secrets during a
/// rotation; `signatures(secrets:…)` builds it.
public struct WebhookSigner: Sendable {
    public let secret: WebhookSecret

    public init(secret: WebhookSecret) { self.secret = secret }

    /// `v1,<base64>` for one message.
    public func signature(id: String, timestamp: Int64, body: some Collection<UInt8>) -> String {
        var content = Array("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: secret.key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers of one request.
    public func headers(id: String, timestamp: Int64, body: some Collection<UInt8>) -> [(name: String, value: String)] {
        [
            ("webhook-id", id),
            ("webhook-timestamp", "\(timestamp)"),
            ("webhook-signature", signature(id: id, timestamp: timestamp, body: body)),
        ]
    }

    /// The `webhook-signature` value signed with each secret, space-separated (secret rotation).
    public static func signatures(secrets: [WebhookSecret], id: String, timestamp: Int64, body: [UInt8]) -> String {
        secrets.map { WebhookSigner(secret: $0).signature(id: id, timestamp: timestamp, body: body) }
            .joined(separator: " ")
    }
}
