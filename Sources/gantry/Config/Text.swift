import Glibc

/// The few text helpers the executable needs, without Foundation: the binary links only
/// FoundationEssentials, which keeps CoreFoundation's start-up work and pages out of every worker.
enum Text {
    /// The value of the `name<separator>value` line of `text` (`INFO` replies, `/proc/meminfo`), trimmed; nil when
    /// no line has that name.
    static func field(_ name: String, in text: String, separator: Character = ":") -> String? {
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix(name) {
            let parts = line.split(separator: separator, maxSplits: 1)
            if parts.count == 2, parts[0].trimmed == name { return parts[1].trimmed }
        }
        return nil
    }

    /// printf-style formatting of numbers (`%10.1f`, `%d`); pass Swift strings already padded.
    static func format(_ format: String, _ arguments: any CVarArg...) -> String {
        withVaList(arguments) { list in
            var buffer = [CChar](repeating: 0, count: 512)
            _ = vsnprintf(&buffer, buffer.count, format, list)
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    static func writeStandardError(_ text: String) { writeAll(2, text) }

    static func writeStandardOutput(_ text: String) { writeAll(1, text) }

    /// Straight to the descriptor: `print` buffers stdout, so flush it first to keep the order.
    private static func writeAll(_ descriptor: Int32, _ text: String) {
        if descriptor == 1 { fflush(nil) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace and newlines.
    var trimmed: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Left-aligned in a column of `width` characters.
    func padded(to width: Int) -> String {
        String(self) + String(repeating: " ", count: Swift.max(0, width - count))
    }
}
