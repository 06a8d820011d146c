import FoundationEssentials
import GantryDomain
import GantryPostgresStore
import OpenAPIRuntime

/// `GET /v1/portfolio`: what `gantry portfolio` renders, so the two always agree.
extension APIService {
    func getPortfolio(_ input: Operations.getPortfolio.Input) async throws -> Operations.getPortfolio.Output {
        let query = try required(dependencies.portfolio, "portfolio store")
        return .ok(.init(body: .json(Self.portfolioAnswer(try await query.snapshot()))))
    }

    /// The snapshot as the document shows it. Counts list every key (zero included), so a reader can
    /// compare two portfolios key by key.
    static func portfolioAnswer(_ s: PortfolioSnapshot) -> Components.Schemas.Portfolio {
        let health = s.health
        return Components.Schemas.Portfolio(
            generated_at: s.generatedAt, today: s.today.description, project_count: s.projects.count,
            by_phase: s.byPhase.map { .init(key: $0.phase?.rawValue ?? "done", projects: $0.projects) },
            by_status: s.byStatus.map { .init(key: $0.status.rawValue, projects: $0.projects) },
            health: .init(at_risk: health.atRisk, on_track: health.onTrack),
            upcoming_gates: s.upcomingGates.map { g in
                Components.Schemas.PortfolioGate(
                    project_id: g.projectID.uuidString.lowercased(), project_name: g.projectName, phase: g.phase.rawValue,
                    step: g.step, state: .init(wire: g.state), planned_end: g.plannedEnd?.description,
                    overdue: g.plannedEnd.map { $0 < s.today } ?? false)
            },
            go_lives: s.goLives.map { g in
                Components.Schemas.PortfolioGoLive(
                    project_id: g.projectID.uuidString.lowercased(), project_name: g.projectName, state: .init(wire: g.state),
                    planned: g.planned?.description, p80_finish: g.p80Finish?.description)
            },
            projects: s.projects.enumerated().map { index, p in
                Components.Schemas.PortfolioProject(
                    rank: index + 1, id: p.id.uuidString.lowercased(), name: p.name, status: .init(wire: p.status),
                    current_phase: p.currentPhase?.rawValue, at_risk: p.atRisk, target_date: p.targetDate?.description,
                    p80_finish: p.p80Finish?.description, slip_days: p.slipDays, forecast_created_at: p.forecastCreatedAt,
                    forecast_age_seconds: s.forecastAgeSeconds(p))
            })
    }
}
