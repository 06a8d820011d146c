import FoundationEssentials
import Glibc

/// An RFC 5322 plain-text e-mail, rendered once and stored with its delivery, so every retry sends
/// the very same bytes (and the same `Message-ID`, which lets mail systems drop a duplicate).
package struct EmailMessage: Sendable, Hashable {
    package var from: String
    package var to: String
    package var subject: String
    package var body: String
    /// Without the angle brackets: `<id>@<domain>`.
    package var messageID: String
    /// Unix seconds.
    package var date: Int64
    /// Extra headers, e.g. `X-Gantry-Event`; names and values must be single-line ASCII.
    package var extraHeaders: [(String, String)] = []

    package init(
        from: String, to: String, subject: String, body: String, messageID: String, date: Int64,
        extraHeaders: [(String, String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }

    package static func == (a: EmailMessage, b: EmailMessage) -> Bool { a.rendered == b.rendered }
    package func hash(into hasher: inout Hasher) { hasher.combine(rendered) }

    /// Headers, a blank line and the body, lines ended by CRLF.
    package var rendered: String {
        var headers: [(String, String)] = [
            ("From", from), ("To", to), ("Subject", Self.encodedHeaderValue(subject)),
            ("Date", HTTPDate.rfc5322(date)), ("Message-ID", "<\(messageID)>"), ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
        ]
        let bodyLines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let plain = body.utf8.allSatisfy { $0 < 0x80 } && bodyLines.allSatisfy { $0.utf8.count <= 998 }
        let encodedBody: String
        if plain {
            headers.append(("Content-Transfer-Encoding", "7bit"))
            encodedBody = bodyLines.joined(separator: "\r\n")
        } else {
            // Base64 keeps any text within 7-bit, 76-column lines, whatever the relay supports.
            headers.append(("Content-Transfer-Encoding", "base64"))
            let normalized = bodyLines.joined(separator: "\r\n")
            encodedBody = Self.wrap(Data(Array(normalized.utf8)).base64EncodedString(), width: 76)
        }
        headers += extraHeaders.map { ($0.0, Self.singleLine($0.1)) }
        return headers.map { "\($0.0): \($0.1)" }.joined(separator: "\r\n") + "\r\n\r\n" + encodedBody + "\r\n"
    }

    /// ASCII stays as it is; anything else becomes RFC 2047 encoded-words (UTF-8, base64) of at most
    /// 75 characters each, folded onto continuation lines.
    static func encodedHeaderValue(_ value: String) -> String {
        let text = singleLine(value)
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && text.utf8.count <= 900 { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            // 45 bytes → 60 base64 characters + 12 of framing: under the 75-character limit.
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A header value can never start a header of its own.
    static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    static func wrap(_ text: String, width: Int) -> String {
        var lines: [Substring] = []
        var rest = Substring(text)
        while rest.count > width {
            lines.append(rest.prefix(width))
            rest = rest.dropFirst(width)
        }
        lines.append(rest)
        return lines.joined(separator: "\r\n")
    }
}
