import Foundation
import Testing

@testable import GantryDelivery

/// The protocol clients' logic, with no server: Standard Webhooks signatures and secrets, HTTP and
/// e-mail dates, how answers are read, rate limits and SMTP framing.
@Suite("Delivery logic")
struct DeliveryLogicTests {
    @Test
    func signatureMatchesTheStandardWebhooksReferenceVector() throws {
        // The reference vector of the Standard Webhooks libraries.
        let secret = try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = WebhookSigner(secret: secret).signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test
    func signatureChangesWithTheIdTheTimestampAndTheBody() throws {
        let signer = WebhookSigner(secret: WebhookSecret.generate())
        let body = Array(#"{"a":1}"#.utf8)
        let base = signer.signature(id: "msg_1", timestamp: 100, body: body)
        #expect(base.hasPrefix("v1,"))
        #expect(signer.signature(id: "msg_2", timestamp: 100, body: body) != base)
        #expect(signer.signature(id: "msg_1", timestamp: 101, body: body) != base)
        #expect(signer.signature(id: "msg_1", timestamp: 100, body: Array(#"{"a":2}"#.utf8)) != base)
    }

    @Test
    func rotationSignaturesListOneSignaturePerSecret() throws {
        let old = WebhookSecret.generate(), new = WebhookSecret.generate()
        let header = WebhookSigner.signatures(secrets: [old, new], id: "msg_1", timestamp: 5, body: [1, 2])
        let parts = header.split(separator: " ").map(String.init)
        #expect(parts == [
            WebhookSigner(secret: old).signature(id: "msg_1", timestamp: 5, body: [1, 2]),
            WebhookSigner(secret: new).signature(id: "msg_1", timestamp: 5, body: [1, 2]),
        ])
    }

    @Test
    func secretsRoundTripAndRefuseWrongPrefixesAndLengths() throws {
        let secret = WebhookSecret.generate()
        #expect(secret.key.count == 32)
        #expect(secret.text.hasPrefix("whsec_"))
        #expect(try WebhookSecret(secret.text) == secret)
        #expect(!secret.description.contains(secret.text.dropFirst(6)))
        #expect(WebhookSecret.generate(bytes: 8).key.count == 24)
        #expect(throws: WebhookSignatureError.self) { try WebhookSecret("sk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") }
        // 16 bytes: below the 24-byte minimum.
        #expect(throws: WebhookSignatureError.self) { try WebhookSecret("whsec_" + Data(count: 16).base64EncodedString()) }
        #expect(throws: WebhookSignatureError.self) { try WebhookSecret("whsec_not base64!") }
    }

    @Test
    func retryAfterAcceptsSecondsAndTheThreeHTTPDateForms() {
        let now: Int64 = 784_111_777  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.delayMs("120", nowSeconds: now) == 120_000)
        #expect(RetryAfter.delayMs(" 0 ", nowSeconds: now) == 0)
        #expect(RetryAfter.delayMs("Sun, 06 Nov 1994 08:50:37 GMT", nowSeconds: now) == 60_000)
        #expect(RetryAfter.delayMs("Sunday, 06-Nov-94 08:51:37 GMT", nowSeconds: now) == 120_000)
        #expect(RetryAfter.delayMs("Sun Nov  6 08:52:37 1994", nowSeconds: now) == 180_000)
        // A date in the past means now; nonsense and absence mean "use your own backoff".
        #expect(RetryAfter.delayMs("Sun, 06 Nov 1994 08:00:00 GMT", nowSeconds: now) == 0)
        #expect(RetryAfter.delayMs("soon", nowSeconds: now) == nil)
        #expect(RetryAfter.delayMs("-5", nowSeconds: now) == nil)
        #expect(RetryAfter.delayMs(nil, nowSeconds: now) == nil)
        #expect(RetryAfter.delayMs("99999999999999999999999", nowSeconds: now) == RetryAfter.maximumMs)
    }

    @Test
    func datesAreFormattedInTheirStandardForms() {
        #expect(HTTPDate.imfFixdate(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.rfc5322(784_111_777) == "Sun, 06 Nov 1994 08:49:37 +0000")
        #expect(HTTPDate.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(HTTPDate.iso8601(951_782_400) == "2000-02-29T00:00:00Z")
        for seconds: Int64 in [0, 68_169_600, 951_782_400, 1_764_096_000, 4_102_444_799] {
            #expect(HTTPDate.parse(HTTPDate.imfFixdate(seconds)) == seconds)
        }
    }

    @Test
    func answersAreClassifiedTheStandardWebhooksWay() {
        #expect([200, 201, 204].allSatisfy { DeliveryOutcome(httpStatus: $0) == .delivered })
        #expect([429, 502, 504].allSatisfy { DeliveryOutcome(httpStatus: $0) == .throttled })
        #expect([408, 500, 503].allSatisfy { DeliveryOutcome(httpStatus: $0) == .retryable })
        #expect([301, 400, 401, 404, 410, 422].allSatisfy { DeliveryOutcome(httpStatus: $0) == .rejected })
        #expect(DeliveryOutcome.disablesEndpoint(httpStatus: 410) && !DeliveryOutcome.disablesEndpoint(httpStatus: 404))
        #expect(DeliveryOutcome(smtpCode: 250) == .delivered)
        #expect(DeliveryOutcome(smtpCode: 421) == .throttled)
        #expect(DeliveryOutcome(smtpCode: 454) == .retryable)
        #expect(DeliveryOutcome(smtpCode: 550) == .rejected)
    }

    @Test
    func tokenBucketAllowsItsBurstThenSpacesTakesAtItsRate() {
        var bucket = TokenBucket(rate: 2, capacity: 3, now: 0)
        #expect((0..<3).map { _ in bucket.reserve(now: 0) } == [0, 0, 0])
        // Empty: the next tokens come every half second, and reservations queue up behind each other.
        #expect(bucket.reserve(now: 0) == 0.5)
        #expect(bucket.reserve(now: 0) == 1.0)
        // A take that would wait longer than allowed takes nothing.
        #expect(bucket.reserve(now: 0, maximumWait: 1.0) == nil)
        #expect(bucket.wait(now: 0) == 1.5)
        // After a long quiet spell the bucket is full again, not fuller.
        #expect(bucket.reserve(now: 100) == 0)
        #expect(bucket.tokens == 2)
    }

    @Test
    func rateLimiterKeepsOneBucketPerKey() {
        let limiter = NotifyRateLimiter()
        #expect(limiter.reserve("a", rate: 0.001, burst: 1, maximumWait: 1) == .granted(waitSeconds: 0))
        guard case .refused(let wait) = limiter.reserve("a", rate: 0.001, burst: 1, maximumWait: 1) else {
            Issue.record("the second take of an empty slow bucket was granted")
            return
        }
        #expect(wait > 1)
        #expect(limiter.reserve("b", rate: 0.001, burst: 1, maximumWait: 1) == .granted(waitSeconds: 0))
    }

    @Test
    func dataBlockStuffsLeadingDotsUsesCRLFAndEndsWithTheDotLine() {
        #expect(SMTPConversation.dataBlock("a\n.b\n..c\r\nd") == "a\r\n..b\r\n...c\r\nd\r\n.\r\n")
        #expect(SMTPConversation.dataBlock("one\r\n.\r\n") == "one\r\n..\r\n.\r\n")
    }

    @Test
    func emailsUseEncodedWordsForNonASCIISubjectsAndBase64ForNonASCIIBodies() throws {
        let message = EmailMessage(
            from: "gantry@firm.example", to: "pm@client.example", subject: "Phase “system design” done — ✓",
            body: "Grüße\nline two", messageID: "abc@firm.example", date: 784_111_777)
        let text = message.rendered
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Date: Sun, 06 Nov 1994 08:49:37 +0000\r\n"))
        #expect(text.contains("Message-ID: <abc@firm.example>\r\n"))
        #expect(text.contains("Content-Transfer-Encoding: base64\r\n"))
        #expect(text.utf8.allSatisfy { $0 < 0x80 })
        let encoded = try #require(text.components(separatedBy: "\r\n\r\n").last)
        let decoded = try #require(Data(base64Encoded: encoded.replacingOccurrences(of: "\r\n", with: "")))
        #expect(String(decoding: decoded, as: UTF8.self) == "Grüße\r\nline two")
        // A line break in a subject cannot start a header of its own.
        let injected = EmailMessage(
            from: "a@b.example", to: "c@d.example", subject: "hi\r\nBcc: victim@e.example", body: "x",
            messageID: "m@b.example", date: 0)
        #expect(!injected.rendered.contains("\r\nBcc:"))
    }
}
