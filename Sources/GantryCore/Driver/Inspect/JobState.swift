public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    case ready, delayed, leased, completed, dead, cancelled
}
