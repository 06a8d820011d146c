import FoundationEssentials
import GantryDomain

/// A legacy export to load into one project: one entity per file.
public struct ImportRequest: Sendable {
    public static let defaultBatchSize = 5_000

    public var projectID: UUID
    public var entity: ImportEntity
    public var profile: ImportProfile
    /// The file's name, for people (results and reports show it).
    public var sourceName: String
    /// The file, a header record first: UTF-8 (with or without a byte-order mark) or GB18030/GBK,
    /// as `encoding` says.
    public var csv: [UInt8]
    /// How the bytes are read: detected by default (UTF-8, else GB18030), or as named.
    public var encoding: SourceEncoding
    public var batchSize: Int

    public init(
        projectID: UUID, entity: ImportEntity, profile: ImportProfile = .gantry, sourceName: String, csv: [UInt8],
        encoding: SourceEncoding = .auto, batchSize: Int = ImportRequest.defaultBatchSize
    ) {
        self.projectID = projectID
        self.entity = entity
        self.profile = profile
        self.sourceName = sourceName
        self.csv = csv
        self.encoding = encoding
        self.batchSize = batchSize
    }
}
