/// Every open project of the firm side by side: one status report each, and how many are green,
/// amber, red or without a target.
public struct PortfolioReport: Sendable, Hashable, Codable {
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    public var generatedAt: String
    /// Ordered by RAG (red first, then amber, green, unknown), then by name: the projects that need
    /// attention come first.
    public var projects: [ProjectStatusReport]

    public init(generatedAt: String, projects: [ProjectStatusReport]) {
        self.generatedAt = generatedAt
        self.projects = projects.sorted { a, b in
            let (ra, rb) = (Self.attentionOrder(a.rag), Self.attentionOrder(b.rag))
            if ra != rb { return ra < rb }
            if a.name != b.name { return a.name < b.name }
            return a.projectID.uuidString < b.projectID.uuidString
        }
    }

    /// How many projects have each status (every status present, zero when none).
    public var ragCounts: [RAGStatus: Int] {
        var counts = Dictionary(uniqueKeysWithValues: RAGStatus.allCases.map { ($0, 0) })
        for project in projects { counts[project.rag, default: 0] += 1 }
        return counts
    }

    static func attentionOrder(_ rag: RAGStatus) -> Int {
        switch rag {
        case .red: 0
        case .amber: 1
        case .green: 2
        case .unknown: 3
        }
    }

    enum CodingKeys: String, CodingKey {
        case projects
        case generatedAt = "generated_at"
        case ragCounts = "rag_counts"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            generatedAt: try c.decode(String.self, forKey: .generatedAt),
            projects: try c.decode([ProjectStatusReport].self, forKey: .projects))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(projects, forKey: .projects)
        let counts = ragCounts
        try c.encode(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }), forKey: .ragCounts)
    }
}
