import GantryDomain
import Testing

@Suite struct SourceDecoderTests {
    /// `客户编号,客户名称\r\nKH-1,华为\r\n` as `iconv -f UTF-8 -t GB18030` writes it (GBK's two-byte codes).
    static let gbkFile: [UInt8] = [
        0xBF, 0xCD, 0xBB, 0xA7, 0xB1, 0xE0, 0xBA, 0xC5, 0x2C, 0xBF, 0xCD, 0xBB, 0xA7, 0xC3, 0xFB, 0xB3, 0xC6, 0x0D, 0x0A,
        0x4B, 0x48, 0x2D, 0x31, 0x2C, 0xBB, 0xAA, 0xCE, 0xAA, 0x0D, 0x0A,
    ]
    static let gbkText = "客户编号,客户名称\r\nKH-1,华为\r\n"

    @Test func gbkBytesAreDetectedAsGB18030WhenTheyAreNotUTF8AndTheNoteSaysItWasAGuess() throws {
        let decoded = try SourceDecoder.decode(Self.gbkFile, as: .auto)
        #expect(String(decoding: decoded.bytes, as: UTF8.self) == Self.gbkText)
        #expect(decoded.encoding == .gb18030 && decoded.detected)
        #expect(decoded.note?.contains("decoded as GB18030") == true)
    }

    @Test func namedGBKReadsTheSameBytesAndIsNoGuess() throws {
        let encoding = try #require(SourceEncoding(name: "GBK"))
        #expect(encoding == .gb18030)
        let decoded = try SourceDecoder.decode(Self.gbkFile, as: encoding)
        #expect(String(decoding: decoded.bytes, as: UTF8.self) == Self.gbkText)
        #expect(!decoded.detected)
    }

    @Test func gb18030FourByteCharactersAndItsByteOrderMarkDecode() throws {
        // U+20000 (four bytes in GB18030), after GB18030's own byte-order mark.
        let decoded = try SourceDecoder.decode([0x84, 0x31, 0x95, 0x33, 0x95, 0x32, 0x82, 0x36, 0x0A], as: .gb18030)
        #expect(String(decoding: decoded.bytes, as: UTF8.self) == "\u{20000}\n")
    }

    @Test func utf8WithOrWithoutAByteOrderMarkIsUTF8EvenWhenGBKIsNamed() throws {
        let text = Array("名称\n华为\n".utf8)
        for (bytes, encoding) in [(text, SourceEncoding.auto), ([0xEF, 0xBB, 0xBF] + text, .auto), ([0xEF, 0xBB, 0xBF] + text, .gb18030)] {
            let decoded = try SourceDecoder.decode(bytes, as: encoding)
            #expect(decoded.bytes == text && decoded.encoding == .utf8 && decoded.note == nil)
        }
    }

    @Test func aFileThatIsNeitherIsRefusedWithTheLineAndOffsetOfTheFirstBadByte() {
        // Line 2 holds 0xFF, which starts no character in UTF-8 or GB18030.
        let bytes: [UInt8] = Array("a,b\r\nx".utf8) + [0xFF] + Array(",y\r\n".utf8)
        let auto = #expect(throws: CSVReadError.self) { try SourceDecoder.decode(bytes, as: .auto) }
        #expect(auto?.code == .notUTF8 && auto?.line == 2 && auto?.offset == 6)
        #expect(auto?.message.contains("neither UTF-8") == true && auto?.message.contains("offset 6 (line 2)") == true)
        let named = #expect(throws: CSVReadError.self) { try SourceDecoder.decode(bytes, as: .gb18030) }
        #expect(named?.code == .notGB18030 && named?.line == 2 && named?.message.contains("0xFF at offset 6") == true)
        let strict = #expect(throws: CSVReadError.self) { try SourceDecoder.decode(Self.gbkFile, as: .utf8) }
        #expect(strict?.code == .notUTF8 && strict?.offset == 0 && strict?.line == 1)
    }

    @Test func aGBKFileCutInsideACharacterIsRefusedAtThatCharacter() {
        let cut = Array(Self.gbkFile.dropLast(3))  // ends with 0xCE, the first half of 为
        let error = #expect(throws: CSVReadError.self) { try SourceDecoder.decode(cut, as: .gb18030) }
        #expect(error?.offset == cut.count - 1 && error?.line == 2)
    }

    @Test func unknownEncodingNamesAreNotGuessed() {
        #expect(SourceEncoding(name: "latin1") == nil)
        #expect(SourceEncoding(name: " UTF8 ") == .utf8)
        #expect(SourceEncoding(name: "gb2312") == .gb18030)
    }
}
