import FoundationEssentials
import GantryDomain

/// What the portfolio template sees: a summary row per project, the RAG counts, and each project's
/// full section.
struct PortfolioView: Sendable {
    struct Count: Sendable {
        var title: String
        var colour: String
        var count: String
    }

    var generatedAt: String
    var projectCount: String
    var counts: [Count]
    var projects: [ProjectView]

    init(_ report: PortfolioReport) {
        generatedAt = report.generatedAt
        projectCount = "\(report.projects.count)"
        let tally = report.ragCounts
        counts = RAGStatus.allCases.map { Count(title: $0.title, colour: $0.colour, count: "\(tally[$0] ?? 0)") }
        projects = report.projects.map(ProjectView.init)
    }
}
