import FoundationEssentials
import GantryDomain

/// The portfolio `gantry dev --demo` seeds: client projects of mixed sizes and factors, started over the last
/// year and a half so that they stand in every one of the five phases today, each with the steps it would have
/// completed by now at the seed's typical pace (stretched by its factors and by chance). Pure and seeded: the
/// same seed and day give the same portfolio.
struct DemoPortfolio: Sendable {
    struct Project: Sendable {
        var name: String
        var client: String
        var industry: String
        var size: String
        var complexity: String
        var team: String
        var management: String
        var start: CalendarDay
        var target: CalendarDay
        /// The steps already completed, in order, each with the day its work began and the day it ended.
        var completed: [CompletedStep]
        /// A stakeholder webhook on the demo receiver.
        var notifies: Bool
        /// A legacy CRM export being imported (projects in deployment and training).
        var export: DemoExport.Source?
    }

    struct CompletedStep: Sendable {
        var step: String
        var startedOn: CalendarDay
        var completedOn: CalendarDay
        /// Gates (requirements review, user acceptance) need the client's approval.
        var approvedBy: String?
    }

    /// The seed's phases and steps in order, with the typical weeks of each phase (the midpoints of the
    /// ranges: 2–4, 4–6, 8–12, 2–4 weeks; maintenance is ongoing).
    static let phases: [(phase: String, weeks: Double, steps: [String], gate: String?)] = [
        ("requirements_analysis", 3, ["research", "consolidation", "review"], "review"),
        ("system_design", 5, ["architecture", "database", "ui", "business_logic"], nil),
        ("development_and_testing", 10, ["frontend", "backend", "integration_testing", "user_acceptance_testing"], "user_acceptance_testing"),
        ("deployment_and_training", 3, ["deployment", "data_migration", "user_training"], nil),
        // Ongoing; the demo closes a project after about half a year of support.
        ("maintenance_and_support", 26, ["monitoring", "fixes", "optimisation"], nil),
    ]

    static let stepCount = phases.reduce(0) { $0 + $1.steps.count }

    var projects: [Project]

    init(count: Int, today: CalendarDay, seed: UInt64 = 2026) {
        var random = Xoshiro256StarStar(seed: seed)
        projects = (0..<count).map { n in Self.project(n, today: today, random: &random) }
    }

    private static func project(_ n: Int, today: CalendarDay, random: inout Xoshiro256StarStar) -> Project {
        let client = clients[n % clients.count]
        let size = ["small", "medium", "medium", "large"].randomElement(using: &random)!
        let complexity = ["low", "medium", "medium", "high"].randomElement(using: &random)!
        let team = ["low", "medium", "high", "high"].randomElement(using: &random)!
        let management = ["low", "medium", "high"].randomElement(using: &random)!
        // Slower with complexity and size, faster with a strong team; and chance, 0.8–1.5.
        let pace = (complexity == "high" ? 1.25 : complexity == "low" ? 0.9 : 1)
            * (size == "large" ? 1.2 : size == "small" ? 0.9 : 1) * (team == "high" ? 0.9 : team == "low" ? 1.2 : 1)
            * (0.8 + 0.7 * random.nextUniform())
        // Started 1 to 60 weeks ago: the oldest in maintenance or done, the newest still in requirements. The
        // first three have just passed user acceptance, so each export shape is always being imported.
        let throughTesting = phases.prefix(3).reduce(0) { $0 + $1.weeks } * 7 * pace
        let start = n < 3
            ? today.adding(days: -(Int(throughTesting.rounded()) + 8 + n))
            : today.adding(days: -(7 + Int.random(in: 0..<60 * 7, using: &random)))
        var completed: [CompletedStep] = []
        var day = start
        walk: for (phase, weeks, steps, gate) in phases {
            let stepDays = max(1, Int((weeks * 7 * pace / Double(steps.count)).rounded()))
            for step in steps {
                let end = day.adding(days: stepDays)
                guard end < today else { break walk }
                completed.append(
                    CompletedStep(
                        step: "\(phase).\(step)", startedOn: day, completedOn: end,
                        approvedBy: step == gate ? "PM of \(client.name)" : nil))
                day = end
            }
        }
        let plannedWeeks = phases.dropLast().reduce(0) { $0 + $1.weeks } * (size == "large" ? 1.3 : 1)
        let inDeployment = completed.last.map { $0.step.hasPrefix("development_and_testing.user_acceptance") || $0.step.hasPrefix("deployment") } ?? false
        return Project(
            name: "\(client.name) CRM \(["rollout", "upgrade", "migration", "customisation"][n % 4]) #\(n + 1)",
            client: client.name, industry: client.industry, size: size, complexity: complexity, team: team,
            management: management, start: start, target: start.adding(days: Int(plannedWeeks * 7 * (0.9 + 0.3 * random.nextUniform()))),
            completed: completed, notifies: n % 4 == 0,
            export: inDeployment ? DemoExport.Source.allCases[n % DemoExport.Source.allCases.count] : nil)
    }

    /// Client companies of a delivery firm with many of its clients in China.
    static let clients: [(name: String, industry: String)] = [
        ("杭州云帆科技", "software"), ("Northwind Traders", "retail"), ("上海东方物流", "logistics"),
        ("Contoso Pharma", "healthcare"), ("深圳华强电子", "electronics"), ("Fabrikam Insurance", "insurance"),
        ("成都天府银行", "banking"), ("Tailspin Travel", "travel"), ("苏州工业园制造", "manufacturing"),
        ("Adventure Works", "sporting goods"), ("北京中关村教育", "education"), ("Wide World Importers", "wholesale"),
        ("广州白云医药", "healthcare"), ("Litware Energy", "energy"), ("南京金陵地产", "real estate"),
    ]
}
