/// How an import file's bytes are to be read as text.
///
/// Exports from Chinese Excel and from CRMs run on Chinese Windows are often GBK, not UTF-8;
/// GB18030 is GBK's superset (every GBK file reads the same as GB18030), so one decoder serves
/// both names. The planner decodes the file once and stores its batches as UTF-8, so a batch job
/// never needs to know the source's encoding.
public enum SourceEncoding: String, Sendable, Hashable, CaseIterable, Codable {
    /// UTF-8 when the bytes are UTF-8 (with or without a byte-order mark); otherwise GB18030 when
    /// they decode as that, and the import says it guessed.
    case auto
    /// UTF-8 only: anything else is refused with the offset of the first bad byte.
    case utf8 = "utf-8"
    /// GB18030, which also reads GBK and GB2312 files.
    case gb18030

    /// The encoding named by a user: `utf-8`/`utf8`, `gb18030`, `gbk`, `gb2312`, `cp936`, `auto`
    /// (case-insensitive); nil for any other name.
    public init?(name: String) {
        switch name.trimmingWhitespace().lowercased() {
        case "auto": self = .auto
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        default: return nil
        }
    }

    /// The names `init(name:)` accepts, for help texts.
    public static let names = ["auto", "utf-8", "gb18030", "gbk"]
}

/// A file's text as UTF-8 (without a byte-order mark), and how it was read.
public struct DecodedSource: Sendable, Hashable {
    /// The file as UTF-8, without a byte-order mark.
    public var bytes: [UInt8]
    /// `.utf8` or `.gb18030`: what the bytes were read as (never `.auto`).
    public var encoding: SourceEncoding
    /// True when nobody named the encoding and the bytes were not UTF-8, so GB18030 was a guess
    /// that people should check (a Latin-1 file can decode as GB18030 too, into the wrong characters).
    public var detected: Bool

    public init(bytes: [UInt8], encoding: SourceEncoding, detected: Bool) {
        self.bytes = bytes
        self.encoding = encoding
        self.detected = detected
    }

    /// A sentence for people when the encoding is worth mentioning (anything but plain UTF-8).
    public var note: String? { Self.note(encoding: encoding, detected: detected) }

    /// `note` for a file read as `encoding`, `detected` or named.
    public static func note(encoding: SourceEncoding, detected: Bool) -> String? {
        switch (encoding, detected) {
        case (.gb18030, true): "the file is not UTF-8; it was decoded as GB18030 (GBK): check the names in the results"
        case (.gb18030, false): "decoded as GB18030 (GBK), as asked"
        default: nil
        }
    }
}
