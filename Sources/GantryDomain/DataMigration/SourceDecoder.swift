import Glibc

/// Turns an import file's bytes into UTF-8 text: UTF-8 (a byte-order mark is dropped) or GB18030,
/// by glibc's iconv, so no conversion table lives in this code base.
///
/// A file that is neither is refused with the line and byte offset of the first byte that does not
/// decode, so a person can find it in an editor; nothing of such a file is stored.
public enum SourceDecoder {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    public static func decode(_ bytes: [UInt8], as encoding: SourceEncoding) throws(CSVReadError) -> DecodedSource {
        // A UTF-8 byte-order mark is the file saying what it is ("CSV UTF-8" in Excel): it wins
        // over a guess, and over a GBK default a person may pass for every file of a client.
        if bytes.starts(with: byteOrderMark) || encoding != .gb18030 {
            let body = bytes.starts(with: byteOrderMark) ? Array(bytes.dropFirst(3)) : bytes
            guard let invalid = firstInvalidUTF8(body) else {
                return DecodedSource(bytes: body, encoding: .utf8, detected: false)
            }
            if encoding == .utf8 || body.count != bytes.count {
                throw CSVReadError(
                    .notUTF8, line: line(of: invalid, in: body), offset: invalid + bytes.count - body.count,
                    "the file is not UTF-8: \(position(invalid, in: body, skipped: bytes.count - body.count))")
            }
            do {
                return DecodedSource(bytes: try gb18030(bytes), encoding: .gb18030, detected: true)
            } catch {
                throw CSVReadError(
                    .notUTF8, line: line(of: invalid, in: bytes), offset: invalid,
                    "the file is neither UTF-8 (\(position(invalid, in: bytes, skipped: 0))) nor GB18030/GBK "
                        + "(\(position(error, in: bytes, skipped: 0))): save it as UTF-8 CSV, or name its encoding")
            }
        }
        do {
            var text = try gb18030(bytes)
            // GB18030's own byte-order mark (84 31 95 33) decodes to U+FEFF.
            if text.starts(with: byteOrderMark) { text.removeFirst(3) }
            return DecodedSource(bytes: text, encoding: .gb18030, detected: false)
        } catch {
            throw CSVReadError(
                .notGB18030, line: line(of: error.offset, in: bytes), offset: error.offset,
                "the file is not GB18030/GBK: \(position(error, in: bytes, skipped: 0))")
        }
    }

    /// "byte 0xFF at offset 12, line 2", or "an incomplete character at the end (offset 12, line 2)".
    private static func position(_ offset: Int, in bytes: [UInt8], skipped: Int) -> String {
        position(Stop(offset: offset), in: bytes, skipped: skipped)
    }

    private static func position(_ stop: Stop, in bytes: [UInt8], skipped: Int) -> String {
        if stop.converterMissing { return "this system's glibc has no GB18030 converter (gconv modules)" }
        let offset = stop.offset
        let line = line(of: offset, in: bytes)
        guard offset < bytes.count else { return "the file ends inside a character (line \(line))" }
        let hex = String(bytes[offset], radix: 16, uppercase: true)
        return "byte 0x\(hex.count < 2 ? "0" : "")\(hex) at offset \(offset + skipped) (line \(line)) does not decode"
    }

    /// The 1-based line of `offset`, counting LF, CRLF and a lone CR as `CSVRecordReader` does. Both
    /// encodings keep CR and LF as single bytes that never occur inside a character.
    static func line(of offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        var index = 0
        let end = min(offset, bytes.count)
        while index < end {
            if bytes[index] == 0x0A || (bytes[index] == 0x0D && !(index + 1 < bytes.count && bytes[index + 1] == 0x0A)) {
                line += 1
            }
            index += 1
        }
        return line
    }

    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var consumed = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): consumed += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return consumed
            }
        }
    }

    /// Where GB18030 decoding stopped: the offset of the first byte that is not part of a character.
    struct Stop: Error {
        var offset: Int
        /// glibc's GB18030 converter (a gconv module) is not installed: no byte is to blame.
        var converterMissing = false
    }

    /// The bytes as UTF-8, decoded from GB18030 by iconv.
    static func gb18030(_ bytes: [UInt8]) throws(Stop) -> [UInt8] {
        guard let descriptor = iconv_open("UTF-8", "GB18030"), descriptor != iconv_t(bitPattern: -1) else {
            // glibc ships GB18030 in its gconv modules; a system without them cannot read the file.
            throw Stop(offset: 0, converterMissing: true)
        }
        defer { iconv_close(descriptor) }
        // A GB18030 character of n bytes is at most n+1 bytes of UTF-8 (2 → 3, 4 → 4).
        var output = [UInt8](repeating: 0, count: bytes.count + bytes.count / 2 + 16)
        var input = bytes
        let (consumed, written, failed) = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                inBuffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(1, inBuffer.count)) { inBase in
                    outBuffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: outBuffer.count) { outBase in
                        var inPointer: UnsafeMutablePointer<CChar>? = inBase
                        var inLeft = inBuffer.count
                        var outPointer: UnsafeMutablePointer<CChar>? = outBase
                        var outLeft = outBuffer.count
                        let result = bytes.isEmpty ? 0 : iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                        return (inBuffer.count - inLeft, outBuffer.count - outLeft, result == -1)
                    }
                }
            }
        }
        // EILSEQ (a byte that starts no character) and EINVAL (the file ends inside one) both stop
        // at the offending byte; E2BIG cannot happen with the bound above.
        if failed || consumed < bytes.count { throw Stop(offset: consumed) }
        return Array(output[..<written])
    }
}
